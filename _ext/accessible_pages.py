"""Small repairs to the theme's and extensions' HTML that axe-core reports under WCAG 2.1 A/AA.

- The bibliography (sphinxcontrib-bibtex, through docutils) is a `role="list"` whose entries have the
  DPUB role `doc-biblioentry`, which ARIA 1.2 deprecates: assistive technology, and axe
  (aria-required-children, critical), then see a list without list items. The entries become
  `role="listitem"`, which is what they are.

The colours and the figures' panels are in _static/book.css; tests/site/test_accessibility.py audits
every page of both editions.
"""


def _repair(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", _repair)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
