"""Every figure described: the alt text of each image a chapter produces.

The book layer attaches a written description to every figure a notebook displays
(`nonlin.book.plotting.install_figure_descriptions`, installed by `nl.use_book_style()` in each
chapter's setup cell): the figure's PNG output carries, in its metadata,

    {"alt": "Figure with 2 panels. Panel 1, “f(x)”: ...", "nonlin_figure": {title and labels as drawn}}

myst-nb copies only width and height from an output's metadata onto the image, so this extension
does the rest. After a notebook page is read, it takes the executed notebook from myst-nb's
execution cache (the book executes in `cache` mode), finds each image output by the SHA-256 of its bytes (the
file name myst-nb gives the image) and sets the image's alt text to the description. A cell-level
alt that an author gave through myst-nb's cell metadata (`mystnb: image: alt:`) is kept, after the
description. A notebook image without a description is a warning, so `-W` builds fail on it; so
is any image in the book, notebook output or not, without alt text.

`descriptions_by_cell` gives the same descriptions per code cell; `_ext/reader_notebooks.py`
puts them under the cells in the reader notebooks.
"""

import base64
import hashlib
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def executed_notebook(app, docname):
    """The notebook with the outputs this build shows (from myst-nb's execution cache), or None."""
    cache_path = app.env.mystnb_config.execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    return executed_from_cache(cache_path, app.env.doc2path(docname))


def executed_from_cache(cache_path, source_path):
    """The source notebook merged with its outputs from the jupyter-cache at `cache_path`, or None.

    (The copy myst-nb writes to its output folder is the source, without outputs, in cache mode.)"""
    from jupyter_cache import get_cache

    if not Path(cache_path).exists():
        return None
    source = nbformat.read(source_path, as_version=4)
    try:
        _, merged = get_cache(str(cache_path)).merge_match_into_notebook(source)
    except KeyError:
        return None
    return merged


def output_descriptions(output):
    """(mime type, description or None) of an output that shows a figure; None for other outputs."""
    data = output.get("data", {})
    for mime in ("image/png", "image/jpeg", "image/svg+xml"):
        if mime in data:
            return mime, (output.get("metadata", {}).get(mime) or {}).get("alt")
    if "text/html" in data and "nonlin_figure" in (output.get("metadata", {}).get("text/html") or {}):
        return "text/html", output["metadata"]["text/html"].get("alt")  # an explorer's player
    return None


def image_hash(output, mime):
    content = output["data"][mime]
    raw = base64.b64decode(content) if mime != "image/svg+xml" else content.encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def descriptions_by_cell(notebook):
    """{cell id: [description of each figure the cell shows, in order]} for an executed notebook."""
    found = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        alts = [found_alt for output in cell.get("outputs", [])
                if (described := output_descriptions(output)) and (found_alt := described[1])]
        if alts:
            found[cell.get("id") or str(index)] = alts
    return found


def _describe_images(app, doctree):
    docname = app.env.docname
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        _check_all_described(doctree, docname)
        return
    notebook = executed_notebook(app, docname)
    by_hash = {}
    if notebook is not None:
        for cell in notebook.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                described = output_descriptions(output)
                if described and described[0] != "text/html":
                    by_hash[image_hash(output, described[0])] = described[1]
    for image in doctree.findall(nodes.image):
        key = Path(image["uri"]).stem
        if key not in by_hash:
            continue
        description, authored = by_hash[key], (image.get("alt") or "").strip()
        if not description:
            logger.warning("a figure without a description: draw it after nl.use_book_style() (which installs "
                           "the description hook) or give it one with describe_figure", location=image,
                           type="nonlin", subtype="alt")
            continue
        image["alt"] = description if not authored or authored in description else f"{description} {authored}"
    _check_all_described(doctree, docname)


def _check_all_described(doctree, docname):
    for image in doctree.findall(nodes.image):
        alt = (image.get("alt") or "").strip()
        if not alt or alt.lower() in ("figure", "image", "plot") or alt == Path(image["uri"]).name:
            logger.warning(f"an image without a written description (alt text): {image['uri']}", location=image,
                           type="nonlin", subtype="alt")


def setup(app):
    app.connect("doctree-read", _describe_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
