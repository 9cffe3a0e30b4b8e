"""The book's one comparison protocol: tuned rates, paired seeds, an interval and a computed verdict.

Every comparison in the book (activation against activation, optimiser against optimiser, init,
schedule, loss) goes through these functions; the appendix "How this book compares things" states
the rule once.

    def run_tanh(seed, lr):                                  # one training run: a History
        net = nl.MLP([2, 16, 1], hidden="tanh", output="sigmoid", seed=seed)
        return nl.train(net, X, y, loss="bce", lr=lr, epochs=300, seed=seed)

    tuned = nl.tune_rate(run_tanh, nl.rate_grid(0.1, 10), seeds=range(3))   # tuning seeds
    result = nl.compare({"tanh": lambda s: run_tanh(s, tuned.lr),
                         "sigmoid": lambda s: run_sigmoid(s, tuned_sigmoid.lr)},
                        seeds=range(100, 110), metric="end_loss")           # held-out seeds
    result.verdict        # "tanh better", "sigmoid better" or "no clear difference"

1. Rates are tuned on tuning seeds (`tune_rate`) and compared on other, held-out seeds.
   The criterion is the mean loss over the last `last` epochs, averaged over the tuning seeds, among
   the rates at which every tuning seed stayed finite and ended below its starting loss. If the best
   is the largest such rate, or the next rate up collapses (it scores EDGE_FACTOR = 3 times worse by
   at least 1% of the starting loss, or it barely learns: above 90% of its starting loss), the choice
   steps one grid point down, away from the stability edge. A
   choice at either end of the grid extends the grid there, as does a grid whose top rate is still
   stable, so the chosen rate is always interior.
2. Contenders are paired by seed: each gets the same seed, so a run function that draws its data,
   split, initial weights and batch order from that seed gives both the same data and order.
3. Runs that never reach a target (metric "epochs_to") are censored at the cap and reported as such;
   when both contenders have censored runs, the final loss (end_loss) is compared instead.
4. The statistic is the paired difference d = B − A per seed, of log values (ratios; epochs, losses)
   or of raw values (accuracies). The p-value is the exact two-sided paired permutation (sign-flip)
   test of mean d; the interval is a seeded 95% percentile bootstrap of mean d, reported as the
   ratio of geometric means B/A or as the difference B − A.
5. The verdict: a contender is better when p ≤ α (α = 0.05, Holm-corrected when a table makes several
   comparisons) and the interval lies entirely on its side of no difference; otherwise "no clear
   difference". A design whose smallest reachable p (2 / 2^n for n seeds) cannot reach the corrected
   threshold is refused.
"""

import math
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from ..train import TrainingDiverged

ALPHA = 0.05
NO_DIFFERENCE = "no clear difference"
BOOTSTRAP_SAMPLES = 10_000
EXACT_UP_TO = 16  # seeds; above this the permutation test samples 2**16 random sign patterns


def rate_grid(low, high, per_octave=2):
    """Learning rates from `low` to `high`, geometrically spaced, `per_octave` points per doubling."""
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"rate_grid: need 0 < low < high, got low={low!r}, high={high!r}")
    steps = round(per_octave * math.log2(high / low))
    return [float(low * 2 ** (k / per_octave)) for k in range(steps + 1)]


# --- 1. tuning --------------------------------------------------------------------------------------

@dataclass
class TunedRate:
    """What tune_rate chose and why; `table()` lists every rate tried."""

    lr: float
    rates: list
    scores: list  # mean last-epochs loss over the tuning seeds; nan where not eligible
    eligible: list  # every tuning seed finite and ending below its starting loss
    seeds: tuple
    stepped_down: bool  # the best eligible was the largest eligible rate, so the choice stepped down
    extended: int  # grid points added at either end
    edge_seen: bool = True  # False: the largest rate tried still trained stably (extensions ran out)

    @property
    def index(self):
        return self.rates.index(self.lr)

    def table(self):
        return [(lr, score, ok) for lr, score, ok in zip(self.rates, self.scores, self.eligible)]

    def __repr__(self):
        return (f"TunedRate(lr={self.lr:.4g}, grid {self.rates[0]:.3g}..{self.rates[-1]:.3g} "
                f"({len(self.rates)} rates, {self.extended} added), stepped_down={self.stepped_down}"
                + ("" if self.edge_seen else ", the stability edge was NOT reached") + ")")


def _criterion(history, last):
    """(the mean loss over the last `last` epochs, the starting loss), or None if the run is not eligible."""
    losses = np.asarray(history.loss, dtype=float)
    end = history.end_loss if history.end_loss is not None else losses[-1]
    # the starting loss: the first step's, before any update (epoch 1's mean may already include a blow-up)
    start = float(history.step_loss[0]) if history.step_loss else float(losses[0])
    if not (np.isfinite(losses).all() and math.isfinite(end) and end < start):
        return None
    return float(losses[-last:].mean()), start


# The next rate up is a cliff when it scores EDGE_FACTOR times worse than the best and the gap is at least
# CLIFF_SHARE of the starting loss (so two near-zero scores are not a cliff), or when it barely learns at all
# (it ends above NO_LEARNING of the starting loss, e.g. ln 2 for a dead binary classifier).
EDGE_FACTOR, CLIFF_SHARE, NO_LEARNING = 3.0, 0.01, 0.9


def tune_rate(run, rates, seeds, last=10, max_extensions=8):
    """Choose a learning rate for `run(seed, lr) -> History` on the tuning `seeds` (see the module)."""
    rates, seeds = sorted(float(r) for r in rates), tuple(seeds)
    if len(rates) < 3:
        raise ValueError(f"tune_rate: give at least 3 rates so a choice can be interior, got {rates}")
    if not seeds:
        raise ValueError("tune_rate: give at least one tuning seed")
    cache, start = {}, {}

    def score(lr):
        if lr not in cache:
            per_seed = []
            for seed in seeds:
                try:
                    per_seed.append(_criterion(run(seed, lr), last))
                except TrainingDiverged:
                    per_seed.append(None)
            cache[lr] = math.nan if None in per_seed else float(np.mean([c for c, _ in per_seed]))
            if None not in per_seed:
                start[lr] = float(np.mean([s for _, s in per_seed]))
        return cache[lr]

    def collapses(i, j):
        """Whether rate j, just above the best rate i, diverges or scores far worse."""
        if not eligible[j]:
            return True
        gap, begin = scores[j] - scores[i], start[rates[j]]
        return (scores[j] > EDGE_FACTOR * scores[i] and gap > CLIFF_SHARE * begin) or (
            scores[j] > NO_LEARNING * begin and scores[i] < NO_LEARNING * start[rates[i]])

    added = {"low": 0, "high": 0}  # grid points added at each end
    while True:
        scores = [score(lr) for lr in rates]
        eligible = [math.isfinite(s) for s in scores]
        if not any(eligible):
            if added["low"] >= max_extensions:
                raise ValueError(f"tune_rate: no rate in {rates[0]:.3g}..{rates[-1]:.3g} trains stably")
            rates.insert(0, rates[0] ** 2 / rates[1])  # every rate unstable: look lower
            added["low"] += 1
            continue
        top = max(i for i, ok in enumerate(eligible) if ok)
        best = min((i for i, ok in enumerate(eligible) if ok), key=lambda i: scores[i])
        # Step down from the edge: the best is the largest stable rate, or the next rate up collapses
        # (diverges, or scores EDGE_FACTOR times worse: dead units, a plateau) although it stays finite.
        stepped_down = (best == top or (best + 1 < len(rates) and collapses(best, best + 1))) and best > 0
        choice = best - 1 if stepped_down else best
        if top == len(rates) - 1 and added["high"] < max_extensions:
            rates.append(rates[-1] ** 2 / rates[-2])  # the top rate is still stable: find the edge
            added["high"] += 1
            continue
        if choice == 0 and added["low"] < max_extensions:
            rates.insert(0, rates[0] ** 2 / rates[1])
            added["low"] += 1
            continue
        if choice in (0, len(rates) - 1):
            raise ValueError(f"tune_rate: the choice {rates[choice]:.3g} stays at a grid end after "
                             f"{max_extensions} extensions there; widen the grid")
        return TunedRate(rates[choice], rates, scores, eligible, seeds, stepped_down, added["low"] + added["high"],
                         edge_seen=not eligible[-1])


# --- 2-5. comparing -----------------------------------------------------------------------------------

@dataclass
class Comparison:
    """Two contenders over paired seeds; `verdict` is computed, never typed."""

    names: tuple  # (A, B)
    seeds: tuple
    values: tuple  # (values of A, values of B), one per seed, as compared
    metric: str
    scale: str  # "log": ratios; "linear": differences
    better: str  # "lower" or "higher"
    censored: tuple = ((), ())  # per seed, True where the run never reached the target
    p_value: float = math.nan
    min_p: float = math.nan  # the smallest p this design can produce
    threshold: float = ALPHA  # the (corrected) threshold p must reach
    effect: float = math.nan  # B/A ratio of geometric means, or mean B − A
    interval: tuple = (math.nan, math.nan)
    level: float = 0.95  # the interval's coverage
    wins: tuple = (0, 0)  # seeds where A did better, where B did better
    verdict: str = NO_DIFFERENCE
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def winner(self):
        """The better contender's name, or None for no clear difference."""
        return None if self.verdict == NO_DIFFERENCE else self.verdict.removesuffix(" better")

    def summary(self):
        a, b = self.names
        what = "ratio of geometric means" if self.scale == "log" else "mean difference"
        lo, hi = self.interval
        return (f"{self.metric}: {b} vs {a}, {what} {self.effect:.3g} (95% interval {lo:.3g} to {hi:.3g}), "
                f"{a} better on {self.wins[0]} of {len(self.seeds)} seeds, {b} on {self.wins[1]}; "
                f"p = {self.p_value:.2g} (threshold {self.threshold:.2g}, smallest possible {self.min_p:.2g}) "
                f"-> {self.verdict}" + (f" [{self.note}]" if self.note else ""))

    def __repr__(self):
        return f"Comparison({self.summary()})"

    def _repr_html_(self):
        a, b = self.names
        rows = "".join(f"<tr><td>{s}</td><td>{va:.4g}{' (censored)' if ca else ''}</td>"
                       f"<td>{vb:.4g}{' (censored)' if cb else ''}</td></tr>"
                       for s, va, vb, ca, cb in zip(self.seeds, *self.values, *self.censored))
        return (f"<p>{self.summary()}</p><details><summary>per seed</summary><table>"
                f"<tr><th>seed</th><th>{a}</th><th>{b}</th></tr>{rows}</table></details>")


def smallest_p(n_pairs):
    """The smallest two-sided p-value the paired permutation test can give with n nonzero pairs."""
    if n_pairs > EXACT_UP_TO:
        return 1 / (2**EXACT_UP_TO + 1)
    return min(1.0, 2.0 / 2**n_pairs)


def paired_permutation_p(differences, seed=0):
    """Two-sided p of the sign-flip test of mean(differences) = 0 (exact up to EXACT_UP_TO pairs)."""
    d = np.asarray(differences, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return 1.0
    observed = abs(d.mean())
    if d.size <= EXACT_UP_TO:
        signs = np.array(list(product((1.0, -1.0), repeat=d.size)))
        means = np.abs(signs @ d) / d.size
        return float(np.mean(means >= observed * (1 - 1e-12)))
    # Monte Carlo over random sign patterns; counting the observed pattern too keeps p above 0
    signs = np.random.default_rng(seed).choice((1.0, -1.0), size=(2**EXACT_UP_TO, d.size))
    hits = np.sum(np.abs(signs @ d) / d.size >= observed * (1 - 1e-12))
    return float((hits + 1) / (len(signs) + 1))


def bootstrap_interval(differences, level=0.95, samples=BOOTSTRAP_SAMPLES, seed=0):
    """Percentile bootstrap interval for mean(differences), from a seeded resampling of the pairs."""
    d = np.asarray(differences, dtype=float)
    draws = np.random.default_rng(seed).integers(0, d.size, size=(samples, d.size))
    means = d[draws].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail))


def _outcomes(run, seeds, name):
    """run(seed) for each seed; a mapping {seed: outcome} of precomputed runs is read instead."""
    if not callable(run):
        missing = [seed for seed in seeds if seed not in run]
        if missing:
            raise ValueError(f"compare: {name} has no precomputed outcome for seeds {missing}")
        return [run[seed] for seed in seeds]
    out = []
    for seed in seeds:
        try:
            out.append(run(seed))
        except TrainingDiverged as error:
            raise ValueError(f"compare: {name} diverged on seed {seed} ({error}); tune its rate with "
                             "tune_rate, which keeps away from the stability edge") from None
    return out


def _metric_values(outcomes, metric, target):
    """(values, censored) for one contender."""
    if metric == "epochs_to":
        values, censored = [], []
        for history in outcomes:
            hit = history.epochs_to(target)
            censored.append(hit is None)
            values.append(float(len(history.loss) if hit is None else hit))
        return values, censored
    if metric == "end_loss":
        return [float(h.end_loss) for h in outcomes], [False] * len(outcomes)
    if callable(metric):
        return [float(metric(o)) for o in outcomes], [False] * len(outcomes)
    if metric is None:
        return [float(o) for o in outcomes], [False] * len(outcomes)
    raise ValueError(f"compare: metric must be 'end_loss', 'epochs_to', a function or None, got {metric!r}")


def compare(contenders, seeds, metric=None, target=None, better="lower", scale="log", n_comparisons=1,
            threshold=None):
    """Compare two contenders, {name: run(seed) -> outcome}, over paired `seeds` (see the module). A
    contender may also be a mapping {seed: outcome} of runs made beforehand.

    metric: None (the run returns a number), a function of the outcome, "end_loss" (a History's loss
    after training) or "epochs_to" (the first epoch whose loss is <= target; censored at the cap).
    better: "lower" or "higher". scale: "log" compares ratios, "linear" differences.
    n_comparisons: how many comparisons the claim is one of (Bonferroni; `compare_to_reference` uses
    Holm instead and passes `threshold`)."""
    if len(contenders) != 2:
        raise ValueError(f"compare: give exactly two contenders, got {list(contenders)}")
    if better not in ("lower", "higher") or scale not in ("log", "linear"):
        raise ValueError(f"compare: better is 'lower' or 'higher' and scale 'log' or 'linear'; "
                         f"got better={better!r}, scale={scale!r}")
    if metric == "epochs_to" and target is None:
        raise ValueError("compare: metric='epochs_to' needs a target loss")
    seeds = tuple(seeds)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"compare: seeds must be distinct, got {seeds}")
    threshold = ALPHA / n_comparisons if threshold is None else threshold
    if smallest_p(len(seeds)) > threshold:
        raise ValueError(f"compare: with {len(seeds)} paired seeds the smallest reachable p is "
                         f"{smallest_p(len(seeds)):.3g}, above the threshold {threshold:.3g}; use more seeds")
    names = tuple(contenders)
    outcomes = [_outcomes(contenders[name], seeds, name) for name in names]
    values, censored = zip(*(_metric_values(o, metric, target) for o in outcomes))
    metric_name = metric if isinstance(metric, str) else getattr(metric, "__name__", "value")
    note = ""
    if metric == "epochs_to" and any(censored[0]) and any(censored[1]):
        cap = max(len(h.loss) for side in outcomes for h in side)
        if any(len(h.loss) < cap for side in outcomes for h in side):
            raise ValueError(f"compare: both sides have runs that never reached {target:g}, so the final losses "
                             "are compared instead; but some runs stopped early (stop_at_loss), so their final "
                             "losses say nothing. Run every seed for the full budget.")
        note = f"both sides had runs that never reached {target:g}: compared by end_loss instead"
        values = tuple(_metric_values(o, "end_loss", None)[0] for o in outcomes)
        metric_name, better, scale = "end_loss", "lower", "log"
    elif metric == "epochs_to" and (any(censored[0]) or any(censored[1])):
        note = "censored runs count at the cap (they needed more epochs)"
    a, b = (np.asarray(v, dtype=float) for v in values)
    if scale == "log":
        if (a <= 0).any() or (b <= 0).any():
            raise ValueError("compare: scale='log' needs positive values; use scale='linear'")
        d = np.log(b) - np.log(a)
    else:
        d = b - a
    sign = 1 if better == "lower" else -1  # d * sign > 0: A did better
    lo, hi = bootstrap_interval(d)
    to_effect = math.exp if scale == "log" else float
    result = Comparison(
        names=names, seeds=seeds, values=(a.tolist(), b.tolist()), metric=metric_name, scale=scale, better=better,
        censored=tuple(tuple(c) for c in censored), p_value=paired_permutation_p(d), min_p=smallest_p(len(seeds)),
        threshold=threshold, effect=to_effect(float(d.mean())), interval=(to_effect(lo), to_effect(hi)),
        wins=(int(np.sum(d * sign > 0)), int(np.sum(d * sign < 0))), note=note,
    )
    result.extra["signed_interval"] = (lo * sign, hi * sign)  # > 0: in A's favour
    return _decide(result)


def _decide(result):
    """The one rule: p at or below the threshold and the whole interval on one side."""
    lo, hi = result.extra["signed_interval"]
    result.verdict = NO_DIFFERENCE
    if result.p_value <= result.threshold and min(lo, hi) > 0:
        result.verdict = f"{result.names[0]} better"
    elif result.p_value <= result.threshold and max(lo, hi) < 0:
        result.verdict = f"{result.names[1]} better"
    return result


def holm(p_values, alpha=ALPHA):
    """Holm's step-down: per test, (its level α/(m − rank), whether it is rejected). Once one test
    fails its level, every test with a larger p fails too."""
    m = len(p_values)
    decisions = [None] * m
    passing = True
    for rank, i in enumerate(np.argsort(p_values, kind="stable")):
        level = alpha / (m - rank)
        passing = passing and p_values[i] <= level
        decisions[i] = (level, passing)
    return decisions


def compare_to_reference(reference, contenders, seeds, **options):
    """Each contender against one reference (for a table), Holm-corrected over the comparisons.

    `contenders` maps names to run(seed) functions and must include `reference`; the reference's
    runs are made once. Returns {name: Comparison of (reference, name)}. Refuses a design that
    cannot reach α/m."""
    others = [name for name in contenders if name != reference]
    contenders = {name: _memo(run) if name == reference else run for name, run in contenders.items()}
    if reference not in contenders or not others:
        raise ValueError(f"compare_to_reference: {reference!r} must be one of several contenders {list(contenders)}")
    m = len(others)
    if smallest_p(len(tuple(seeds))) > ALPHA / m:
        raise ValueError(f"compare_to_reference: {m} comparisons need p <= {ALPHA / m:.3g}, but "
                         f"{len(tuple(seeds))} paired seeds can reach {smallest_p(len(tuple(seeds))):.3g} at best")
    results = {name: compare({reference: contenders[reference], name: contenders[name]}, seeds,
                             threshold=1.0, **options) for name in others}
    for name, (level, rejected) in zip(others, holm([results[name].p_value for name in others])):
        results[name].threshold = level
        _decide(results[name])
        if not rejected and results[name].verdict != NO_DIFFERENCE:
            results[name].verdict = NO_DIFFERENCE
            results[name].note = (results[name].note + "; " if results[name].note else "") + "Holm stopped earlier"
    return results


def _memo(run):
    cache = {}

    def cached(seed):
        if seed not in cache:
            cache[seed] = run(seed)
        return cache[seed]
    return cached


def plot_comparison(result, ax=None, log=None, describe=None):
    """Per-seed values of both contenders, one line per seed (paired), with the verdict as title.
    `describe`: the sentence saying what the figure shows, for its alt text."""
    import matplotlib.pyplot as plt

    from .plotting import describe_figure

    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.2), constrained_layout=True)
    a, b = (np.asarray(v) for v in result.values)
    for va, vb, ca, cb in zip(a, b, *result.censored):
        ax.plot([0, 1], [va, vb], color="0.6", lw=0.8, zorder=1)
        ax.scatter([0, 1], [va, vb], c=["C0", "C1"], s=18, zorder=2,
                   marker="o" if not (ca or cb) else "^")
    ax.set_xticks([0, 1], list(result.names))
    ax.set_xlim(-0.4, 1.4)
    if log if log is not None else result.scale == "log":
        ax.set_yscale("log")
    ax.set_ylabel(result.metric)
    ax.set_title(result.verdict)
    describe_figure(ax, describe)
    return ax
