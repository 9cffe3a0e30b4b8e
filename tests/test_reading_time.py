"""Reading time (_ext/reading_time.py), the licence files and the citation record."""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from reading_time import WORDS_PER_MINUTE, chapter_words, prose_words  # noqa: E402


def test_prose_words_count_what_a_student_reads():
    markdown = """(sigmoid-label)=
# The sigmoid

The derivative is {glue:text}`sigmoid.dmax:.2f` at most; see {doc}`02_sigmoid` and {term}`激活函数`.

```python
x = np.linspace(-6, 6, 601)  # code is not prose
```

:::{exercise}
:label: sigmoid-ex-one
Compute it.
:::
"""
    # "The sigmoid" + "The derivative is [number] at most; see [link] and [term]" + "Compute it"
    assert prose_words(markdown) == 2 + 10 + 2
    assert prose_words("梯度消失 and 反向传播") == 3, "a Chinese term is one word"


def test_every_chapter_has_a_reading_time():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        words = chapter_words(path)
        assert 1000 < words < 20000, f"{path.name}: {words} words?"
        assert words / WORDS_PER_MINUTE > 5


def test_licence_covers_code_and_text_and_the_front_page_says_so():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "CC BY 4.0" in licence and "Permission is hereby granted" in licence
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in intro and "MIT License" in intro and "AI(2)-神经网络(激活函数)" in intro


def test_citation_file_is_valid_cff():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors"):
        assert citation.get(key), f"CITATION.cff lacks {key}"
    assert citation["cff-version"] == "1.2.0"
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    assert all("name" in a or "family-names" in a for a in citation["authors"])
