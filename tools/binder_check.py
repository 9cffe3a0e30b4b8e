"""Prove the Binder configuration: a fresh venv built ONLY from it runs every chapter.

    python3 tools/binder_check.py            # `make binder-check`
    python3 tools/binder_check.py --env-only # just (re)build the environment (the JupyterLab test uses it)

repo2docker reads runtime.txt (the Python version), installs requirements.txt with pip, then runs
postBuild with that environment first on PATH. This script does the same in _build/binder-env:
a new venv from a Python of runtime.txt's version (python3.11 on PATH; on a machine without it,
the Python running this script, with a note that the proof then holds for that version),
`pip install -r requirements.txt` (from PyPI: pip's cache and configured indexes make it quick),
then `./postBuild`. Nothing from .venv or requirements-test.txt
is used. It then checks that postBuild installed the engine (imported from outside the clone), and
executes every chapter with nbclient, two at a time, from a copy of chapters/ in a temporary folder,
so the chapters' `../lib` fallback cannot hide a broken install. NONLIN_EXPLORER is unset, as in a
Binder session, so the explorers build their live widgets. Any cell error fails the check.
"""

import argparse
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_chapters import execute  # tools/run_chapters.py: two at a time, any cell error fails

ROOT = Path(__file__).resolve().parents[1]
ENV = ROOT / "_build" / "binder-env"
STAMP = ENV / "binder-config.sha256"  # the configuration this environment was built from
CONFIG = ["runtime.txt", "requirements.txt", "postBuild", "pyproject.toml"]
def runtime_version():
    text = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    if not text.startswith("python-"):
        sys.exit(f"runtime.txt should read python-X.Y (repo2docker's form), not {text!r}")
    return text.removeprefix("python-")


@functools.cache
def find_python(version):
    """(interpreter, its X.Y): runtime.txt's version if this machine has it (this Python, else
    pythonX.Y on PATH); otherwise this Python, with a note, not a failure."""
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if current == version:
        return sys.executable, version
    found = shutil.which(f"python{version}")
    if found is not None:
        return found, version
    print(f"binder-check: note: runtime.txt asks for Python {version} (Binder's), which is not on this machine; "
          f"using Python {current} ({sys.executable}) instead. The check then proves requirements.txt and "
          f"postBuild under {current}; CI (Python {version}) proves them under Binder's version.", flush=True)
    return sys.executable, current


def quiet(command, **kwargs):
    """Run a step; show its output only when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"binder-check: {' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def config_hash():
    digest = hashlib.sha256()
    wanted = runtime_version()
    if find_python(wanted)[1] != wanted:  # built with another Python: rebuild once runtime.txt's is there
        digest.update(find_python(wanted)[1].encode())
    for name in CONFIG:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return digest.hexdigest()


def binder_env(fresh=True):
    """Build _build/binder-env from runtime.txt, requirements.txt and postBuild; return its bin folder.

    fresh=False reuses an environment built from the same configuration (the JupyterLab test)."""
    bin_dir = ENV / "bin"
    if not fresh and STAMP.exists() and STAMP.read_text() == config_hash():
        return bin_dir
    python, version = find_python(runtime_version())
    started = time.perf_counter()
    shutil.rmtree(ENV, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(ENV)], check=True)
    quiet([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=ROOT)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(ENV)}
    env.pop("PYTHONPATH", None)
    quiet([str(ROOT / "postBuild")], cwd=ROOT, env=env)
    probe = subprocess.run([str(bin_dir / "python"), "-c", "import sys, nonlin; print(sys.version.split()[0])"],
                           cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit(f"postBuild did not install the engine: `import nonlin` fails outside the clone\n{probe.stderr}")
    if not probe.stdout.startswith(version + "."):
        sys.exit(f"the environment runs Python {probe.stdout.strip()}, expected {version}")
    STAMP.write_text(config_hash())
    print(f"binder-check: environment built from runtime.txt, requirements.txt, postBuild in "
          f"{time.perf_counter() - started:.0f} s ({ENV.relative_to(ROOT)})", flush=True)
    return bin_dir


def run_chapters(bin_dir, extra_env=None, paths=None, durations=None):
    """Execute the chapters (all, or `paths`) from a copy of chapters/ in the environment of bin_dir,
    with extra_env added (tools/robust.py runs one of its variants this way)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NONLIN_EXPLORER", "PYTHONPATH", "MPLBACKEND")}
    env.update(extra_env or {})
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(ENV)
    wanted = {Path(p).name for p in paths} if paths else None
    with tempfile.TemporaryDirectory(prefix="binder-chapters-") as tmp:
        chapters = Path(tmp) / "chapters"
        shutil.copytree(ROOT / "chapters", chapters, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        copies = sorted(p for p in chapters.glob("*.ipynb") if wanted is None or p.name in wanted)
        started = time.perf_counter()
        print(f"binder-check: executing {len(copies)} chapters in the Binder environment, 2 at a time", flush=True)
        code = execute(bin_dir / "python", copies, env, cwd=tmp, durations=durations)
        print(f"binder-check: {time.perf_counter() - started:.0f} s", flush=True)
    return code


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-only", action="store_true", help="build the environment, run nothing")
    args = parser.parse_args()
    bin_dir = binder_env(fresh=True)
    if not args.env_only:
        sys.exit(run_chapters(bin_dir))


if __name__ == "__main__":
    main()
