"""`make bench`: nonlin's speed as ratios, checked against the targets of the performance issue.

    .venv/bin/python benchmarks/bench.py [--quick] [--json PATH]

1. A training step (forward, softmax cross-entropy, backward without the input gradient, SGD
   update) of nonlin ÷ the same step in PyTorch on the CPU, and ÷ the step's matrix products alone
   in NumPy (the floor); three shapes, float32 and float64 (steps.py).
2. Each activation's value ÷ the best NumPy/SciPy primitive for the same function (the target), and
   value and VJP ÷ a plain copy of the same size (information: it depends on the CPU's SIMD units)
   (activations.py).

Everything runs in one process on one thread: PyTorch through torch.set_num_threads(1), NumPy's
BLAS through the environment variables below, which must be set before NumPy is imported. The
contenders are timed in alternation and each ratio is the median over rounds of the ratio within
a round (timing.py). Ratios, not absolute times, are what carry from one run to the next.

Prints two tables, writes them as JSON (benchmarks/results.json, not committed) and exits with
status 1 if a ratio misses its target.
"""

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"  # before NumPy (and its BLAS) is first imported

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from activations import ACTIVATIONS, bench_activation  # noqa: E402
from steps import SHAPES, bench_step  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402
from timing import paired_ratio  # noqa: E402

import nonlin as nl  # noqa: E402

DTYPES = (np.float32, np.float64)

# The targets, restated against this machine's limits: (kind, name, metric, dtype or None for both) -> largest
# ratio. NumPy's float64 matrix products are 10-20% slower than PyTorch's here, so a float64 step cannot reach
# 0.95x PyTorch; activations are held to the primitive that does the same work, not to a copy.
TARGETS = {
    ("step", "tiny", "torch", None): 0.30,
    ("step", "medium", "torch", "float32"): 0.95,
    ("step", "medium", "torch", "float64"): 1.10,
    ("step", "medium", "floor", None): 1.20,
    ("step", "deep", "torch", "float32"): 0.65,
    ("step", "deep", "torch", "float64"): 0.80,
    **{("activation", name, "primitive", None): 1.5 for name in ("relu", "tanh", "sigmoid", "gelu", "softmax")},
}


def target(kind, name, metric, dtype):
    return TARGETS.get((kind, name, metric, dtype), TARGETS.get((kind, name, metric, None)))


def row(kind, name, dtype, metric, ratio, seconds):
    limit = target(kind, name, metric, np.dtype(dtype).name)
    return {"kind": kind, "name": name, "dtype": np.dtype(dtype).name, "metric": metric,
            "ratio": ratio, "target": limit, "ok": limit is None or ratio <= limit, "seconds": seconds}


def progress(what):
    print(f"timing {what}", file=sys.stderr, flush=True)


def run_steps(rounds):
    rows = []
    for shape in SHAPES:
        for dtype in DTYPES:
            progress(f"step {shape.name} {np.dtype(dtype).name}")
            t = bench_step(shape, dtype, rounds=rounds, min_block_seconds=0.02)
            seconds = {name: float(np.median(v)) for name, v in t.items()}
            rows.append(row("step", shape.name, dtype, "torch", paired_ratio(t["nonlin"], t["torch"]), seconds))
            rows.append(row("step", shape.name, dtype, "floor", paired_ratio(t["nonlin"], t["floor"]), seconds))
    return rows


def run_activations(rounds, budget_seconds):
    rows = []
    for name in ACTIVATIONS:
        for dtype in DTYPES:
            progress(f"activation {name} {np.dtype(dtype).name}")
            t = bench_activation(name, dtype, rounds=rounds, min_block_seconds=0.05, budget_seconds=budget_seconds)
            seconds = {key: float(np.median(v)) for key, v in t.items()}
            for metric in ("value", "vjp"):
                rows.append(row("activation", name, dtype, metric, paired_ratio(t[metric], t["copy"]), seconds))
            if "primitive" in t:
                rows.append(row("activation", name, dtype, "primitive", paired_ratio(t["value"], t["primitive"]),
                                seconds))
    return rows


def cell(r):
    if r is None:
        return ""
    mark = "" if r["target"] is None else f" (≤ {r['target']:g}{'' if r['ok'] else ', MISSED'})"
    return f"{r['ratio']:.2f}{mark}"


def print_tables(rows):
    by = {(r["kind"], r["name"], r["dtype"], r["metric"]): r for r in rows}
    print("\nTraining step, CPU µs per call, and nonlin's ratios")
    print(f"{'shape':<38} {'dtype':<8} {'nonlin':>9} {'torch':>9} {'floor':>9}  {'nonlin÷torch':<22} nonlin÷floor")
    for shape in SHAPES:
        for dtype in ("float32", "float64"):
            r_torch, r_floor = by[("step", shape.name, dtype, "torch")], by[("step", shape.name, dtype, "floor")]
            us = {k: v * 1e6 for k, v in r_torch["seconds"].items()}
            print(f"{shape.name + ': ' + shape.describe():<38} {dtype:<8} {us['nonlin']:>9.1f} {us['torch']:>9.1f} "
                  f"{us['floor']:>9.1f}  {cell(r_torch):<22} {cell(r_floor)}")
    print("\nActivations: value ÷ the NumPy/SciPy primitive (target), and ÷ a copy (10^7 elements; softmax 10^5 x 100)")
    print(f"{'activation':<12} {'dtype':<8} {'copy (CPU ms)':>14}  {'value÷primitive':<22} {'value÷copy':<12} vjp÷copy")
    for name in ACTIVATIONS:
        for dtype in ("float32", "float64"):
            value, vjp = by[("activation", name, dtype, "value")], by[("activation", name, dtype, "vjp")]
            primitive = by.get(("activation", name, dtype, "primitive"))
            print(f"{name:<12} {dtype:<8} {value['seconds']['copy'] * 1e3:>14.2f}  {cell(primitive):<22} "
                  f"{cell(value):<12} {cell(vjp)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds: a smoke test, not a measurement")
    parser.add_argument("--json", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    started = time.perf_counter()
    with threadpool_limits(limits=1):  # belt and braces: BLAS and OpenMP pools, NumPy's and torch's
        threads = {pool["internal_api"]: pool["num_threads"] for pool in threadpool_info()}
        rows = run_steps(rounds=5 if args.quick else 31)
        rows += run_activations(rounds=3 if args.quick else 9, budget_seconds=1 if args.quick else 4)
    print_tables(rows)
    missed = [r for r in rows if not r["ok"]]
    report = {
        "machine": {"python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
                    "processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                    "threads": {**threads, "torch": torch.get_num_threads()}},
        "engine": str(Path(nl.__file__).resolve().parent),
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
        "missed": [f"{r['kind']} {r['name']} {r['dtype']} {r['metric']}: {r['ratio']:.2f} > {r['target']}"
                   for r in missed],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\n{len(rows) - len(missed)} of {len(rows)} ratios within target "
          f"({sum(r['target'] is not None for r in rows)} have one); JSON in {args.json}; "
          f"{report['seconds']:.0f} s")
    for line in report["missed"]:
        print("MISSED", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
