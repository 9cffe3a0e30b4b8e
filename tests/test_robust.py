"""tools/robust.py, the last-bits gate: its variants, and how each is run (without running the book)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import binder_check  # noqa: E402
import robust  # noqa: E402


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
    def nbval_run(command, cwd, env):
        seen.append(("nbval", env.get("NONLIN_PERTURB")))
        return 0
    monkeypatch.setattr(robust.subprocess, "call", nbval_run)
    monkeypatch.setattr(binder_check, "binder_env", lambda fresh: Path("/venv/bin"))

    def binder_run(bin_dir, extra_env, paths):
        seen.append(("binder", extra_env, [p.name for p in paths]))
        return 1
    monkeypatch.setattr(binder_check, "run_chapters", binder_run)
    assert robust.main(["chapters/05_softmax.ipynb"]) == 1, "a failing variant must fail the gate"
    assert seen == [("nbval", "1"), ("nbval", "2"), ("nbval", "3"),
                    ("binder", {"OPENBLAS_NUM_THREADS": "1"}, ["05_softmax.ipynb"])]
