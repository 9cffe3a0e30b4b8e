"""The last-bits gate: execute every chapter under each variant below; every assert must hold in all.

    python tools/robust.py                         # every chapter, every variant (make robust)
    python tools/robust.py chapters/09_optimisers.ipynb --only NONLIN_PERTURB=2
    python tools/robust.py --add NONLIN_PERTURB=12345   # one more variant of your own choosing

Training runs are chaotic: rounding that differs in the last bit (another CPU, BLAS build, NumPy
version or thread count) moves where a run ends. The variants stand in for those other machines:
NONLIN_PERTURB=<k> multiplies every random draw by (1 + 1e-12 z) (see lib/nonlin/seeding.py), and a
single BLAS thread changes the order of floating-point sums inside matrix products. We never set
OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE: some machines preset them to avoid kernels that are broken
there. Adding a variant is one line in VARIANTS.

A variant marked with IN_BINDER runs in Binder's environment (tools/binder_check.py: a fresh venv built
only from runtime.txt, requirements.txt and postBuild, the chapters copied out of the clone) instead of
under nbval here. So one execution of the book proves both the variant and the Binder configuration,
and `make test` runs the book once fewer.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IN_BINDER = "in Binder's environment"  # a marker, not an environment variable
VARIANTS = [
    {"NONLIN_PERTURB": "1"},
    {"NONLIN_PERTURB": "2"},
    {"NONLIN_PERTURB": "3"},
    {"OPENBLAS_NUM_THREADS": "1", IN_BINDER: True},
]


def parse_variant(text):
    pairs = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"robust: a variant is KEY=VALUE[,KEY=VALUE...], got {text!r}")
        pairs[key.strip()] = value.strip()
    return pairs


def describe(variant):
    text = ",".join(f"{key}={value}" for key, value in variant.items() if key != IN_BINDER)
    return text + (f" ({IN_BINDER})" if variant.get(IN_BINDER) else "")


def run_in_binder(variant, chapters):
    """The chapters, executed in Binder's environment (built first) under the variant's variables."""
    sys.path.insert(0, str(ROOT / "tools"))
    import binder_check

    bin_dir = binder_check.binder_env(fresh=True)
    extra = {key: value for key, value in variant.items() if key != IN_BINDER}
    return binder_check.run_chapters(bin_dir, extra_env=extra, paths=[ROOT / c for c in chapters])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="notebooks to run (default: chapters/*.ipynb)")
    parser.add_argument("--add", action="append", default=[], help="one more variant, KEY=VALUE[,KEY=VALUE]")
    parser.add_argument("--only", action="append", default=[], help="run only these variants")
    parser.add_argument("--workers", default="2", help="pytest-xdist workers (default 2)")
    args = parser.parse_args(argv)
    variants = [parse_variant(v) for v in args.only] or VARIANTS + [parse_variant(v) for v in args.add]
    chapters = args.chapters or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chapters").glob("*.ipynb"))
    pytest = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-n", args.workers,
              "--dist", "loadfile", "-p", "no:cacheprovider", "-q", *chapters]
    failed = []
    for variant in variants:
        env = {key: value for key, value in os.environ.items() if key != "NONLIN_EXPLORER"}  # live explorers
        env.update(variant)
        print(f"== robust: {describe(variant)}", flush=True)
        start = time.monotonic()
        if variant.get(IN_BINDER):
            code = run_in_binder(variant, chapters)
        else:
            code = subprocess.call(pytest, cwd=ROOT, env=env)
        print(f"== robust: {describe(variant)} {'passed' if code == 0 else 'FAILED'} "
              f"in {time.monotonic() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(describe(variant))
    if failed:
        print("robust: chapters failed under " + "; ".join(failed), file=sys.stderr)
        return 1
    print(f"robust: every chapter passed under all {len(variants)} variants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
