"""The comparison protocol (nonlin.book.compare): tuning, pairing, censoring, statistics, verdicts."""

import math
from itertools import product

import numpy as np
import pytest

import nonlin as nl
from nonlin.book.compare import _criterion, bootstrap_interval, holm, paired_permutation_p, smallest_p
from nonlin.train import History, TrainingDiverged


def constant_runs(a_values, b_values, names=("A", "B")):
    return {names[0]: lambda seed: a_values[seed], names[1]: lambda seed: b_values[seed]}


def test_the_permutation_p_value_matches_a_brute_force_enumeration():
    d = np.array([0.3, -0.1, 0.5, 0.2, 0.4, -0.2, 0.6])
    means = [abs(np.mean(np.array(signs) * d)) for signs in product((1, -1), repeat=d.size)]
    expected = np.mean(np.array(means) >= abs(d.mean()) - 1e-15)
    assert paired_permutation_p(d) == pytest.approx(expected)
    assert paired_permutation_p(np.ones(10)) == pytest.approx(smallest_p(10)) == pytest.approx(2 / 1024)
    assert paired_permutation_p(np.zeros(5)) == 1.0
    many = np.ones(40)  # Monte Carlo beyond 16 pairs: never exactly 0
    assert paired_permutation_p(many) == pytest.approx(smallest_p(40)) and smallest_p(40) > 0


def test_the_bootstrap_interval_covers_the_mean_and_narrows_with_spread():
    d = np.random.default_rng(0).normal(1.0, 0.5, size=10)
    lo, hi = bootstrap_interval(d)
    assert lo < d.mean() < hi
    lo2, hi2 = bootstrap_interval(d * 0.1)
    assert hi2 - lo2 == pytest.approx((hi - lo) * 0.1)


def test_a_clear_difference_gives_a_verdict_and_the_right_side():
    a = [1.0 + 0.01 * s for s in range(10)]
    b = [2.0 + 0.02 * s for s in range(10)]
    lower = nl.compare(constant_runs(a, b), seeds=range(10))
    assert lower.verdict == "A better" and lower.winner == "A" and lower.wins == (10, 0)
    assert lower.effect == pytest.approx(math.exp(np.mean(np.log(np.array(b) / np.array(a)))))
    assert lower.interval[0] <= lower.effect <= lower.interval[1] and lower.interval[0] > 1
    higher = nl.compare(constant_runs(a, b), seeds=range(10), better="higher", scale="linear")
    assert higher.verdict == "B better" and higher.effect == pytest.approx(np.mean(np.subtract(b, a)))


def test_mixed_results_give_no_clear_difference():
    a = [1.0] * 10
    b = [2.0 if s % 2 else 0.5 for s in range(10)]
    result = nl.compare(constant_runs(a, b), seeds=range(10))
    assert result.verdict == "no clear difference" and result.winner is None
    assert result.p_value > 0.05


def test_nine_wins_of_ten_with_one_large_loss_is_not_a_clear_win():
    """The rule asks for p and the interval: one large reversal can keep the mean uncertain."""
    a = [1.0] * 10
    b = [1.1] * 9 + [0.01]
    result = nl.compare(constant_runs(a, b), seeds=range(10))
    assert result.wins == (9, 1) and result.verdict == "no clear difference"


def test_a_design_that_cannot_reach_the_threshold_is_refused():
    with pytest.raises(ValueError, match="smallest reachable p is 0.0625"):
        nl.compare(constant_runs([1] * 5, [2] * 5), seeds=range(5))
    runs = {name: (lambda seed, k=k: 1.0 + k) for k, name in enumerate("ABCDEFGH")}
    with pytest.raises(ValueError, match="7 comparisons need p <= 0.00714"):
        nl.compare_to_reference("A", runs, seeds=range(7))
    with pytest.raises(ValueError, match="distinct"):
        nl.compare(constant_runs([1] * 12, [2] * 12), seeds=[0] * 11 + [1])


def test_holm_steps_down_and_stops_at_the_first_failure():
    decisions = holm([0.001, 0.03, 0.04, 0.02])
    assert [rejected for _, rejected in decisions] == [True, False, False, False]
    assert [level for level, _ in decisions] == pytest.approx([0.05 / 4, 0.05 / 2, 0.05 / 1, 0.05 / 3])
    assert [r for _, r in holm([0.001, 0.012, 0.04])] == [True, True, True]


def test_compare_to_reference_runs_the_reference_once_per_seed():
    calls = []

    def reference(seed):
        calls.append(seed)
        return 1.0

    runs = {"ref": reference, "worse": lambda seed: 2.0 + seed * 0.01,
            "same": lambda seed: 1.0 + (seed % 2 - 0.5) * 0.1}
    table = nl.compare_to_reference("ref", runs, seeds=range(10))
    assert sorted(calls) == list(range(10))
    assert table["worse"].verdict == "ref better" and table["same"].verdict == "no clear difference"
    assert table["worse"].threshold == pytest.approx(0.025)


def history(losses, end=None):
    h = History(loss=list(losses))
    h.end_loss = losses[-1] if end is None else end
    return h


def test_runs_that_never_reach_the_target_are_censored_at_the_cap():
    fast = {s: history([1.0] * 5 + [0.05] * 95) for s in range(10)}
    slow = {s: history([1.0] * 100, end=0.9) for s in range(10)}
    result = nl.compare({"fast": fast.get, "slow": slow.get}, seeds=range(10), metric="epochs_to", target=0.1)
    assert result.values[1] == [100.0] * 10 and all(result.censored[1]) and not any(result.censored[0])
    assert result.verdict == "fast better" and "censored" in result.note
    both = nl.compare({"slow": slow.get, "slower": lambda s: history([1.0] * 100, end=0.95)}, seeds=range(10),
                      metric="epochs_to", target=0.1)
    assert both.metric == "end_loss" and "end_loss instead" in both.note and both.verdict == "slow better"


def test_tune_rate_steps_down_from_the_edge_and_extends_the_grid():
    """A toy: the loss falls with the rate until 1.0, where training diverges."""

    def run(seed, lr):
        if lr >= 1.0:
            raise TrainingDiverged("diverged")
        return history([1.0] + [1.0 - 0.9 * lr] * 20)

    tuned = nl.tune_rate(run, [0.01, 0.02, 0.04], seeds=range(2))
    eligible = [lr for lr, _, ok in tuned.table() if ok]
    assert max(eligible) < 1.0 <= tuned.rates[-1]  # the grid grew until it saw the edge
    assert tuned.stepped_down and tuned.lr == eligible[-2]
    assert 0 < tuned.index < len(tuned.rates) - 1


def test_tune_rate_extends_downward_when_the_best_rate_is_the_smallest():
    def run(seed, lr):
        return history([1.0] + [abs(math.log(lr / 0.01)) * 0.1 + 0.01] * 20)  # best at lr = 0.01

    tuned = nl.tune_rate(run, [0.1, 0.2, 0.4, 0.8], seeds=[0])
    assert tuned.rates[0] < 0.1 and 0 < tuned.index < len(tuned.rates) - 1


def test_tune_rate_on_a_real_network_picks_an_interior_stable_rate():
    X, y = nl.datasets.two_moons(100, seed=0)

    def run(seed, lr):
        net = nl.MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=seed)
        return nl.train(net, X, y, loss="bce", lr=lr, epochs=40, seed=seed)

    tuned = nl.tune_rate(run, nl.rate_grid(0.5, 4), seeds=range(2))
    assert 0 < tuned.index < len(tuned.rates) - 1
    assert tuned.eligible[tuned.index] and tuned.eligible[tuned.index + 1]


def test_rate_grid_is_geometric():
    assert nl.rate_grid(0.1, 0.4, per_octave=2) == pytest.approx([0.1, 0.1 * 2**0.5, 0.2, 0.2 * 2**0.5, 0.4])
    with pytest.raises(ValueError, match="0 < low < high"):
        nl.rate_grid(1, 0.5)


def test_history_end_loss_is_the_loss_after_the_final_update():
    X, y = nl.datasets.two_moons(60, seed=1)
    net = nl.MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=1)
    h = nl.train(net, X, y, loss="bce", lr=0.5, epochs=5)
    assert h.end_loss == pytest.approx(nl.losses.get_loss("bce")(net.forward(X), y))
    assert h.end_loss < h.last_epoch_loss  # full batch descends: after the last step is below before it


def test_plot_comparison_draws_one_line_per_seed():
    result = nl.compare(constant_runs([1.0 + s for s in range(10)], [2.0 + s for s in range(10)]), seeds=range(10))
    ax = nl.plot_comparison(result)
    lines = [line.get_ydata() for line in ax.lines]
    assert len(lines) == 10 and [list(y) for y in lines] == [[1.0 + s, 2.0 + s] for s in range(10)]
    assert ax.get_title() == "A better"
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_precomputed_outcomes_can_stand_for_a_run():
    a = {s: 1.0 + 0.01 * s for s in range(10)}
    result = nl.compare({"A": a, "B": lambda s: 2.0}, seeds=range(10))
    assert result.values[0] == [a[s] for s in range(10)] and result.verdict == "A better"
    with pytest.raises(ValueError, match=r"no precomputed outcome for seeds \[10\]"):
        nl.compare({"A": a, "B": lambda s: 2.0}, seeds=range(1, 11))


def test_tune_rate_steps_down_from_a_cliff_of_dead_runs():
    """Above lr 1 the runs 'die' at a constant loss, still finite and below the start: a cliff."""

    def run(seed, lr):
        return history([1.0] + ([0.7] * 20 if lr > 1.0 else [0.1 / lr] * 20))

    tuned = nl.tune_rate(run, [0.25, 0.5, 1.0, 2.0, 4.0], seeds=[0])
    assert tuned.rates[tuned.index + 1] == 1.0 and tuned.stepped_down  # the best (1.0) sits below the cliff


def test_tune_rate_does_not_call_two_tiny_scores_a_cliff():
    def run(seed, lr):
        return history([1.0] + [1e-6 * (lr if lr <= 1 else 1 / lr) ** -2] * 20)  # best at lr 1, neighbours 4x worse

    tuned = nl.tune_rate(run, [0.25, 0.5, 1.0, 2.0, 4.0, 8.0], seeds=[0])
    assert tuned.lr == 1.0 and not tuned.stepped_down


def test_the_end_loss_fallback_refuses_runs_stopped_early():
    stopped = {s: history([1.0] * 5 + [0.05], end=0.05) for s in range(10)}
    never = {s: history([1.0] * 100, end=0.9) for s in range(10)}
    mixed = {s: (stopped if s % 2 else never)[s] for s in range(10)}
    with pytest.raises(ValueError, match="stopped early"):
        nl.compare({"A": mixed.get, "B": never.get}, seeds=range(10), metric="epochs_to", target=0.1)


def test_a_run_that_blew_up_in_its_first_epoch_is_not_eligible():
    """The start is the first step's loss: epoch 1's mean already contains the blow-up."""
    blew_up = History(loss=[50.0] + [2.0] * 20, step_loss=[1.0, 99.0])
    blew_up.end_loss = 2.0
    assert _criterion(blew_up, 10) is None
    fine = History(loss=[0.9] + [0.5] * 20, step_loss=[1.0, 0.8])
    fine.end_loss = 0.5
    assert _criterion(fine, 10) == (0.5, 1.0)


def test_a_next_rate_that_barely_learns_is_a_cliff():
    """Scores 0.36 at lr 1 and 0.69 (= ln 2, no learning) at lr 2: only 1.9x worse, but a collapse."""

    def run(seed, lr):
        final = {0.25: 0.5, 0.5: 0.45, 1.0: 0.36}.get(lr, 0.69)
        h = History(loss=[0.7] + [final] * 20, step_loss=[0.6931])
        h.end_loss = final - 1e-3
        return h

    tuned = nl.tune_rate(run, [0.25, 0.5, 1.0, 2.0, 4.0], seeds=[0])
    assert tuned.lr == 0.5 and tuned.stepped_down
