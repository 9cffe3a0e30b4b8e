"""Assemble what the gh-pages branch publishes: the built site plus Binder's configuration.

    python3 tools/pages_tree.py _build/html _build/gh-pages     # the Pages workflow runs this

GitHub Pages serves the branch as the website. Binder and Colab open the reader notebooks from the
same branch (the launch buttons say `gh-pages` and `notebooks/`; see _ext/launch.py), so next to the
site it needs what repo2docker reads and what postBuild installs: runtime.txt, requirements.txt,
postBuild, and the engine's package (pyproject.toml, README.md, which pyproject.toml names, and
lib/). The same package is what a reader notebook's first cell installs on Colab
(`pip install git+<repository>@gh-pages`), so notebook and engine come from one commit.
`.nojekyll` stops Pages' Jekyll from dropping the site's `_static/` and `_images/` folders.
The reader notebooks must be there: a tree without them is refused.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER_FILES = ["runtime.txt", "requirements.txt", "postBuild", "pyproject.toml", "README.md"]
ENGINE = "lib"
READER_DIR = "notebooks"


def assemble(site, target, root=ROOT):
    site, target, root = Path(site), Path(target), Path(root)
    chapters = sorted(p.stem for p in (root / "chapters").glob("*.ipynb"))
    missing = [c for c in chapters if not (site / READER_DIR / "chapters" / f"{c}.ipynb").exists()]
    if not (site / "index.html").exists() or missing:
        raise SystemExit(f"{site} is not a complete book build (index.html, reader notebooks; missing: "
                         f"{', '.join(missing) or 'index.html'}): run `make book` first")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target)
    for name in BINDER_FILES:
        # copy2 keeps postBuild's mode here; upload-artifact drops modes on the way to the deploy job,
        # which does not matter: repo2docker runs `chmod +x postBuild` before running it
        shutil.copy2(root / name, target / name)
    shutil.copytree(root / ENGINE, target / ENGINE,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    (target / ".nojekyll").touch()
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(f"published tree: {assemble(*sys.argv[1:])}")
