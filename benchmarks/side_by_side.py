"""Did a change cost speed? `make bench`'s ratios for this checkout against an earlier commit's engine.

    .venv/bin/python benchmarks/side_by_side.py 040554d [--runs 5] [--tolerance 0.05]

Both engines are timed by this checkout's harness (benchmarks/bench.py), so the two sides measure
exactly the same things; only the engine on the import path differs (a git worktree of REF in
_build/bench-ref). The runs alternate (ref, here, ref, here, ...) so that a change in the machine's
load falls on both sides. For each ratio the script reports the median over the runs of each side
and fails (exit 1) if this checkout's median is more than `tolerance` above the reference's.
Ratios to PyTorch, to the matrix products and to the primitives are compared; they are what carries
between runs. Takes about `runs` x 2 x one `make bench`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WORKTREE = ROOT / "_build" / "bench-ref"


def checkout(ref):
    """A worktree of `ref` in _build/bench-ref (replaced if it exists); returns its lib folder."""
    if WORKTREE.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(WORKTREE)], cwd=ROOT, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(WORKTREE), ref], cwd=ROOT, check=True)
    return WORKTREE / "lib"


def run_bench(lib, out):
    """One `make bench` run with `lib` first on the import path; its rows keyed by what they measure."""
    env = {**os.environ, "PYTHONPATH": str(lib)}
    code = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--json", str(out)],
                          env=env, stdout=subprocess.DEVNULL).returncode
    report = json.loads(out.read_text(encoding="utf-8"))
    where = {"nonlin": report.get("engine")}
    if code not in (0, 1) or not str(where["nonlin"]).startswith(str(lib)):
        sys.exit(f"side_by_side: bench.py failed ({code}) or imported nonlin from {where['nonlin']}, not {lib}")
    ratios = {(r["kind"], r["name"], r["dtype"], r["metric"]): r["ratio"] for r in report["rows"]
              if r["metric"] in ("torch", "floor", "primitive")}
    return ratios, report["missed"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="the commit to compare against, e.g. the main before a refactor")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tolerance", type=float, default=0.05, help="largest allowed relative slowdown")
    args = parser.parse_args(argv)
    sides = {"ref": checkout(args.ref), "here": ROOT / "lib"}
    ratios = {side: [] for side in sides}
    missed_here = []  # the targets this checkout missed, run by run
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for side, lib in sides.items():
                print(f"run {run + 1}/{args.runs}: {side}", file=sys.stderr, flush=True)
                measured, missed = run_bench(lib, Path(tmp) / f"{side}-{run}.json")
                ratios[side].append(measured)
                if side == "here":
                    missed_here.append(missed)
    keys = [key for key in ratios["here"][0] if key in ratios["ref"][0]]
    worse = []
    print(f"\nmedian of {args.runs} runs each; here ÷ {args.ref} above 1 + {args.tolerance:g} fails")
    print(f"{'ratio':<42} {args.ref[:12]:>12} {'here':>8} {'here÷ref':>9}")
    for key in keys:
        ref, here = (float(np.median([r[key] for r in ratios[side]])) for side in ("ref", "here"))
        change = here / ref
        flag = "  WORSE" if change > 1 + args.tolerance else ""
        print(f"{' '.join(key):<42} {ref:>12.3f} {here:>8.3f} {change:>9.3f}{flag}")
        if flag:
            worse.append(" ".join(key))
    print(f"\n{len(keys) - len(worse)} of {len(keys)} ratios within {args.tolerance:.0%} of {args.ref}")
    print(f"this checkout's `make bench` met every target in {sum(not m for m in missed_here)} of {args.runs} runs")
    for run, missed in enumerate(missed_here, 1):
        for line in missed:
            print(f"  run {run} missed: {line}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
