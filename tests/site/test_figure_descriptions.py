"""Every figure a chapter produces has a written description that names what is drawn.

The book layer records, beside each figure it displays, the texts drawn on it (title, axis labels,
legend: `nonlin.book.plotting.drawn_texts`) and the description (`figure_description`); the build
puts the description into the <img> alt text (_ext/figure_descriptions.py) and the reader notebooks
(_ext/reader_notebooks.py). Here, for every image and every explorer player on every chapter page:

- the alt text is a description, not empty, not a file name, not "figure";
- it names the figure's title and every panel's title and axis labels *as drawn* (read from the
  executed notebook's record of that very image, matched by the SHA-256 of its bytes, which is its
  file name), so a changed figure cannot keep a stale description;
- the chapter's reader notebook carries the same descriptions, under the cells that draw them.
"""

import base64
import hashlib
import json
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_site import CHAPTERS, ROOT

from nonlin.book.plotting import plain_text

sys.path.insert(0, str(ROOT / "_ext"))
from figure_descriptions import executed_from_cache  # noqa: E402

GENERIC = {"figure", "image", "plot", "png", "output"}


def executed(site_dir, name):
    """The chapter with the outputs the site shows, from the build's execution cache."""
    notebook = executed_from_cache(site_dir.parent / ".jupyter_cache", ROOT / f"{name}.ipynb")
    assert notebook is not None, f"{name}: no executed notebook in the build's cache: build the book first"
    return notebook


def figure_outputs(notebook):
    """[(cell id, kind, output)] of every output that shows a figure, in order; kind 'image' or 'player'."""
    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data, metadata = output.get("data", {}), output.get("metadata", {})
            if "image/png" in data:
                found.append((cell.get("id"), "image", output))
            elif "text/html" in data and "nonlin_figure" in (metadata.get("text/html") or {}):
                found.append((cell.get("id"), "player", output))
    return found


def record_of(output):
    metadata = output.get("metadata", {})
    return (metadata.get("image/png") or metadata.get("text/html") or {}).get("nonlin_figure")


def names_drawn(record):
    """The texts a description must name: the figure's title, each panel's title and axis labels."""
    names = [record.get("suptitle", "")]
    for axes in record.get("axes", []):
        names += [axes.get("title", ""), axes.get("xlabel", ""), axes.get("ylabel", "")]
    return [plain_text(n) for n in names if plain_text(n)]


def missing_names(alt, record):
    return [n for n in names_drawn(record) if n not in alt]


def is_a_description(alt, src=""):
    alt = (alt or "").strip()
    name = Path(src).name if src and not src.startswith("data:") else ""
    return len(alt.split()) >= 6 and alt.lower() not in GENERIC and not (name and name in alt)


def test_the_check_catches_a_stale_or_empty_description():
    record = {"suptitle": "", "axes": [{"title": "loss per epoch", "xlabel": "epoch", "ylabel": "$\\|g\\|$"}]}
    fresh = "Figure: “loss per epoch”: ‖g‖ (from 0 to 1) against epoch (from 1 to 60); drawn as one line."
    assert not missing_names(fresh, record)
    assert missing_names(fresh.replace("loss per epoch", "loss per step"), record) == ["loss per epoch"]
    assert not is_a_description("figure") and not is_a_description("abc123.png", "_images/abc123.png")


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_figure_is_described_by_what_is_drawn(site_dir, name):
    soup = BeautifulSoup((site_dir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("main .bd-article")  # the chapter itself, not the header's button logos
    outputs = figure_outputs(executed(site_dir, name))
    by_hash = {}
    for _, kind, output in outputs:
        if kind == "image":
            by_hash[hashlib.sha256(base64.b64decode(output["data"]["image/png"])).hexdigest()] = output
    players = [output for _, kind, output in outputs if kind == "player"]
    images = main.find_all("img")
    assert images, f"{name}: no figures"
    player_images = main.select(".nonlin-player img")
    assert len(player_images) == len(players), f"{name}: {len(player_images)} players on the page, " \
        f"{len(players)} in the executed notebook"
    checked = 0
    for img in images:
        alt, src = img.get("alt", ""), img.get("src", "")
        assert is_a_description(alt, src), f"{name}: an image without a real description: alt={alt!r} src={src[:60]}"
        if img in player_images:
            output = players[player_images.index(img)]
        else:
            output = by_hash.get(Path(src).stem)
            assert output is not None, f"{name}: an image that is no notebook output: {src}"
        record = record_of(output)
        assert record is not None, f"{name}: a figure shown without the description hook (nl.use_book_style())"
        missing = missing_names(alt, record)
        assert not missing, f"{name}: the description does not name {missing}, drawn on the figure:\n{alt}"
        checked += 1
    assert checked == len(images)


@pytest.mark.parametrize("name", CHAPTERS)
def test_reader_notebooks_carry_the_same_descriptions(site_dir, name):
    reader = json.loads((site_dir / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    captions = {}
    cells = reader["cells"]
    for before, cell in zip(cells, cells[1:]):
        if "nonlin_figure_descriptions" in cell.get("metadata", {}):
            assert before["cell_type"] == "code", f"{name}: a figure description not under the code that draws it"
            captions[before.get("id")] = cell["metadata"]["nonlin_figure_descriptions"]
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            assert "drawn by the cell above" in text
    expected = {}
    for cell_id, _, output in figure_outputs(executed(site_dir, name)):
        metadata = output["metadata"]
        expected.setdefault(cell_id, []).append((metadata.get("image/png") or metadata.get("text/html"))["alt"])
    assert captions == expected, f"{name}: the reader notebook's figure descriptions differ from the site's"
    soup = BeautifulSoup((site_dir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    alts = {img.get("alt", "") for img in soup.select("main .bd-article img")}
    assert alts <= {a for descriptions in captions.values() for a in descriptions}, \
        f"{name}: alt texts on the page that the reader notebook lacks"
