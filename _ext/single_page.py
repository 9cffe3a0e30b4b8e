"""The single-page build that `make pdf` prints (`jupyter-book build . --builder singlehtml`).

Sphinx gives a builder the node handlers registered under its own name and falls back to those of its
format ("html") only when there are none under its name. sphinx-exercise registers its nodes for
"singlehtml" too, so for that builder the html-only handlers of every other extension (myst-nb's and
jupyter-book's hidden cells, for example) would be lost and the build would stop on an unknown node.
Before the single-page build starts, every html handler that has no singlehtml one is copied over.
"""


def _share_html_handlers(app):
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, pair in handlers.get("html", {}).items():
        single.setdefault(node, pair)


def setup(app):
    app.connect("builder-inited", _share_html_handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
