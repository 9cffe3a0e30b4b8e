"""tools/robust.py, the last-bits gate: its variants, and how each is run (without running the book)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import binder_check  # noqa: E402
import robust  # noqa: E402
import run_chapters  # noqa: E402


def test_the_gate_has_three_perturbations_and_one_thread_and_never_forces_a_core_type():
    described = [robust.describe(v) for v in robust.VARIANTS]
    assert [d for d in described if d.startswith("NONLIN_PERTURB=")] == [f"NONLIN_PERTURB={k}" for k in (1, 2, 3)]
    assert any(v.get("OPENBLAS_NUM_THREADS") == "1" for v in robust.VARIANTS)
    assert not any(key.startswith(("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")) for v in robust.VARIANTS for key in v)
    assert sum(bool(v.get(robust.IN_BINDER)) for v in robust.VARIANTS) == 1, "one variant doubles as the Binder proof"


def test_a_bad_variant_is_refused_with_the_expected_form():
    assert robust.parse_variant("A=1, B=x") == {"A": "1", "B": "x"}
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        robust.parse_variant("NONLIN_PERTURB")


def test_each_variant_runs_where_it_says_and_any_failure_fails_the_gate(monkeypatch):
    seen = []

    def here(python, paths, env, cwd, durations):
        seen.append(("here", env.get("NONLIN_PERTURB"), "NONLIN_EXPLORER" in env, [p.name for p in paths]))
        durations["05_softmax.ipynb"] = 3.0
        return 0

    def in_binder(bin_dir, extra_env, paths, durations):
        seen.append(("binder", extra_env, [p.name for p in paths], dict(durations)))
        return 1
    monkeypatch.setenv("NONLIN_EXPLORER", "static")
    monkeypatch.setattr(robust.run_chapters, "execute", here)
    monkeypatch.setattr(binder_check, "binder_env", lambda fresh: Path("/venv/bin"))
    monkeypatch.setattr(binder_check, "run_chapters", in_binder)
    assert robust.main(["chapters/05_softmax.ipynb"]) == 1, "a failing variant must fail the gate"
    assert seen == [("here", k, False, ["05_softmax.ipynb"]) for k in "123"] + [
        ("binder", {"OPENBLAS_NUM_THREADS": "1"}, ["05_softmax.ipynb"], {"05_softmax.ipynb": 3.0})]


def test_chapters_are_handed_out_longest_first_once_their_durations_are_known(monkeypatch, tmp_path):
    calls = []

    def fake_run(command, cwd, env):
        calls.append(command[5:])
        Path(command[4]).write_text('{"a.ipynb": 9.0}')
        return type("Done", (), {"returncode": 0})()
    monkeypatch.setattr(run_chapters.subprocess, "run", fake_run)
    durations = {"b.ipynb": 50.0, "c.ipynb": 5.0}
    assert run_chapters.execute("python", [tmp_path / n for n in ("a.ipynb", "b.ipynb", "c.ipynb")], {}, tmp_path,
                                durations) == 0
    assert [Path(p).name for p in calls[0]] == ["b.ipynb", "c.ipynb", "a.ipynb"]
    assert durations == {"a.ipynb": 9.0, "b.ipynb": 50.0, "c.ipynb": 5.0}, "this run's seconds are recorded"
