"""Build the book executing only the chapters named, and print the warnings that concern them.

    .venv/bin/python tools/check_chapter.py 02_sigmoid [03_tanh ...]

For authors: a chapter's warnings in seconds, without executing the whole book. The other pages
are rendered unexecuted, so their own glue warnings are expected and filtered out. The build goes
to _build/chapter-check/<names>/ (the full, warning-free build is `make build-check`).
"""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(names):
    if not names:
        sys.exit(__doc__)
    for name in names:
        if not (ROOT / "chapters" / f"{name}.ipynb").exists():
            sys.exit(f"no chapter chapters/{name}.ipynb")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    others = [f"chapters/{p.stem}.ipynb" for p in (ROOT / "chapters").glob("*.ipynb") if p.stem not in names]
    config.setdefault("execute", {})["exclude_patterns"] = others
    # local extensions are found relative to the config file, which lives elsewhere here
    config["sphinx"]["local_extensions"] = {name: str(ROOT / path) for name, path in
                                            config["sphinx"].get("local_extensions", {}).items()}
    out = ROOT / "_build" / "chapter-check" / "-".join(names)  # one folder per call: authors work side by side
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    command = [str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", str(ROOT), "--config", str(config_path),
               "--path-output", str(out), "-n", "--keep-going", "--all"]  # --all: every page's warnings, every time
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    log = result.stdout + result.stderr
    mine = [line for line in log.splitlines()
            if any(name in line for name in names) and ("WARNING" in line or "ERROR" in line or "Error" in line)]
    print("\n".join(mine) if mine else f"no warnings in {', '.join(names)}")
    print(f"pages: {out}/_build/html/chapters/")
    if not mine and result.returncode and "Traceback" in log:
        print(log[-3000:])
    sys.exit(1 if mine or (result.returncode and "Traceback" in log) else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
