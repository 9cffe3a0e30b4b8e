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

Each variant executes every chapter in fresh kernels, two at a time, and fails on any cell error
(tools/run_chapters.py). A variant marked with IN_BINDER runs in Binder's environment
(tools/binder_check.py: a fresh venv built only from runtime.txt, requirements.txt and postBuild, the
chapters copied out of the clone) instead of this Python's. So one execution of the book proves both
the variant and the Binder configuration, and `make test` runs the book once fewer.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import binder_check  # noqa: E402
import run_chapters  # noqa: E402

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


def run_variant(variant, chapters, durations):
    """Every chapter under the variant's variables: here (this Python's environment, chapters in
    place), or in Binder's environment, built first. `durations` orders the chapters longest first."""
    extra = {key: value for key, value in variant.items() if key != IN_BINDER}
    if variant.get(IN_BINDER):
        bin_dir = binder_check.binder_env(fresh=True)
        return binder_check.run_chapters(bin_dir, extra_env=extra, paths=chapters, durations=durations)
    env = {key: value for key, value in os.environ.items() if key != "NONLIN_EXPLORER"}  # live explorers
    env.update(extra)
    return run_chapters.execute(sys.executable, chapters, env, cwd=ROOT, durations=durations)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="notebooks to run (default: chapters/*.ipynb)")
    parser.add_argument("--add", action="append", default=[], help="one more variant, KEY=VALUE[,KEY=VALUE]")
    parser.add_argument("--only", action="append", default=[], help="run only these variants")
    args = parser.parse_args(argv)
    variants = [parse_variant(v) for v in args.only] or VARIANTS + [parse_variant(v) for v in args.add]
    chapters = [Path(c).resolve() for c in args.chapters] or sorted((ROOT / "chapters").glob("*.ipynb"))
    failed, durations = [], {}  # the first variant's durations order the next ones
    for variant in variants:
        print(f"== robust: {describe(variant)}", flush=True)
        start = time.monotonic()
        code = run_variant(variant, chapters, durations)
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
