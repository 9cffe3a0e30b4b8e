"""The build's guards (_ext/book_checks.py): the claims ledger and the hand-typed-number check."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from book_checks import hand_typed_numbers, ledger_problems, load_source_claims, prose_of  # noqa: E402

from nonlin.book import CLAIMS, claim, claim_anchor  # noqa: E402

GLUED = {"tour.epochs_median": 68.5, "tour.xor_epochs": 1500.0, "sigmoid.dmax": 0.25, "tour.accuracy": 1.0,
         "tour.ratio": 16.3, "tour.threshold": 0.1}


def keys(markdown):
    return [(token, found) for _, token, found in hand_typed_numbers([(0, markdown)], GLUED)]


def test_a_typed_number_that_a_cell_glues_is_found():
    assert keys("after 1500 epochs") == [("1500", ["tour.xor_epochs"])]
    assert keys("a median of 68.5 epochs") == [("68.5", ["tour.epochs_median"])]
    assert keys("a slope of 0.25 at most") == [("0.25", ["sigmoid.dmax"])]
    assert keys("an accuracy of 100%") == [("100%", ["tour.accuracy"])]


def test_glued_numbers_math_code_roles_small_integers_and_years_pass():
    assert keys("after {glue:text}`tour.xor_epochs` epochs") == []
    assert keys("the slope $\\sigma'(0) = 0.25$ and $$x = 1500$$") == []
    assert keys("`nl.train(epochs=1500)` and Glorot (2010)") == []
    assert keys("a 2-16-16-2 net in float32, 7 seeds") == []
    assert keys("a loss below 0.1, capped at 16") == []  # one significant digit; 16 is not the rounded 16.3
    assert keys("a median of 69 epochs") == []  # 68.5 does not read as 69 at the precision typed... nor as 68


def test_prose_of_blanks_fenced_code_and_links():
    text = prose_of("see [the chapter](ch_1500.html)\n```python\nx = 1500\n```\n")
    assert "1500" not in text


def test_every_listed_claim_needs_exactly_one_check_in_its_chapter():
    claims = [{"id": "a.b", "chapter": "chapters/01"}, {"id": "c.d", "chapter": "chapters/02"}]
    record = {"verdict": "true", "statement": "s"}
    assert ledger_problems(claims, {"a.b": [("chapters/01", record)], "c.d": [("chapters/02", record)]}) == []
    problems = ledger_problems(claims, {"a.b": [("chapters/01", record), ("chapters/03", record)],
                                        "x.y": [("chapters/02", record)]})
    text = "\n".join(problems)
    assert "'a.b' is checked 2 times" in text
    assert "names no claim listed" in text and "x.y" in text
    assert "'c.d' of the source post has no check" in text


def test_the_source_post_claims_file_is_well_formed():
    claims = load_source_claims(ROOT)
    ids = [c["id"] for c in claims]
    assert len(ids) == len(set(ids)), "claim ids must be unique"
    for c in claims:
        assert c["zh"] and c["en"] and c["chapter"].startswith("chapters/"), c


def test_claim_validates_and_anchors():
    value = 0.25
    assert value == 0.25
    assert claim("sigmoid.range", "true", "σ maps every real number into (0, 1)", evidence={"dmax": value}) is None
    record = CLAIMS[-1]
    assert record["id"] == "sigmoid.range" and record["verdict"] == "true" and record["computed"] is False
    assert record["evidence"] == {"dmax": "0.25"}
    assert claim_anchor("sigmoid.range") == "claim-sigmoid-range"
    with pytest.raises(ValueError, match="verdict must be one of"):
        claim("sigmoid.range", "mostly", "x", evidence={"x": 1})
    with pytest.raises(ValueError, match="not shown here"):
        claim("sigmoid.range", "not shown here", "x", evidence={"x": 1})  # only a comparison gives it
    with pytest.raises(ValueError, match="precise statement"):
        claim("sigmoid.range", "true", " ", evidence={"x": 1})
    with pytest.raises(ValueError, match="give evidence="):
        claim("sigmoid.range", "true", "x")
    with pytest.raises(ValueError, match="give evidence="):
        claim("sigmoid.range", "true", "x", evidence={})


def _comparison(verdict_side, names=("tanh", "sigmoid")):
    """A Comparison whose verdict is computed from values where `verdict_side` (0, 1 or None) is lower."""
    from nonlin.book.compare import compare

    seeds = range(10)
    base = {0: [1.0] * 10, 1: [1.0] * 10}
    if verdict_side is not None:
        base[1 - verdict_side] = [2.0 + 0.1 * s for s in seeds]
    else:
        base[1] = [2.0 if s % 2 else 0.5 for s in seeds]
    runs = {names[0]: lambda s: base[0][s], names[1]: lambda s: base[1][s]}
    return compare(runs, seeds)


def test_a_comparison_claim_takes_its_verdict_from_the_protocol():
    result = _comparison(0)
    assert result.verdict == "tanh better"
    claim("tanh.converges-faster", statement="tanh reaches the target in fewer epochs", evidence=result)
    assert CLAIMS[-1]["verdict"] == "true" and CLAIMS[-1]["computed"] is True
    claim("tanh.converges-faster", statement="s", evidence=_comparison(1))
    assert CLAIMS[-1]["verdict"] == "false"
    claim("tanh.converges-faster", statement="s", evidence=_comparison(None))
    assert CLAIMS[-1]["verdict"] == "not shown here"
    claim("tanh.converges-faster", statement="s", evidence=[_comparison(0), _comparison(1)])
    assert CLAIMS[-1]["verdict"] == "depends"
    with pytest.raises(ValueError, match="computed from the protocol"):
        claim("tanh.converges-faster", "true", "s", evidence=result)


def test_claim_refuses_a_cell_without_an_assert(tmp_path):
    import subprocess

    script = tmp_path / "cell.py"
    script.write_text("from nonlin.book import claim\nclaim('a.b', 'true', 'statement', evidence={'x': 1})\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert run.returncode != 0 and "has no assert" in run.stderr
    script.write_text("from nonlin.book import claim\nx = 1\nassert x == 1\n"
                      "claim('a.b', 'true', 'statement', evidence={'x': x})\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert run.returncode == 0 and "Source-post claim checked [a.b] (true)" in run.stdout, run.stderr


def test_a_comparison_claim_with_a_typed_verdict_is_a_ledger_problem():
    claims = [{"id": "a.b", "chapter": "chapters/01", "comparison": True}]
    typed = {"verdict": "true", "computed": False}
    computed = {"verdict": "true", "computed": True}
    assert ledger_problems(claims, {"a.b": [("chapters/01", computed)]}) == []
    (problem,) = ledger_problems(claims, {"a.b": [("chapters/01", typed)]})
    assert "must come from the protocol" in problem
