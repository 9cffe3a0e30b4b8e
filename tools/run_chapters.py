"""Execute chapters in fresh kernels, two at a time, and fail on any cell error (like nbval --nbval-lax).

Used by tools/robust.py (every variant of the last-bits gate) and tools/binder_check.py (the same run in
Binder's environment). The notebooks are handed out one at a time to two kernels driven from one
event loop, longest first when earlier durations are known, so that a long chapter does not start last
and leave one core idle. Each kernel's working directory is the chapter's folder. Slow chapters name
their slowest cells.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Runs under the Python whose environment is tested (the clone's .venv, or Binder's venv).
RUNNER = r'''
import asyncio, json, sys, time
from datetime import datetime
import nbformat
from nbclient import NotebookClient

def slowest(notebook, count=3):
    spans = []
    for index, cell in enumerate(notebook.cells):
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in stamps and "shell.execute_reply" in stamps:
            start, end = (datetime.fromisoformat(stamps[k].replace("Z", "+00:00"))
                          for k in ("iopub.execute_input", "shell.execute_reply"))
            spans.append(((end - start).total_seconds(), index))
    return [f"cell {index} {seconds:.0f} s" for seconds, index in sorted(spans, reverse=True)[:count]]

async def run(path, timeout):
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    try:
        await NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                             resources={"metadata": {"path": path.rsplit("/", 1)[0]}}).async_execute()
    except Exception as error:  # CellExecutionError carries the traceback
        return time.perf_counter() - started, str(error)[-3000:], []
    seconds = time.perf_counter() - started
    return seconds, None, slowest(notebook) if seconds > 120 else []

async def main(timeout, record, paths):
    # Two kernels at a time from one event loop: the kernels do the work, and no process is forked
    # (forked workers driving kernels over ZeroMQ hung here).
    pending, seconds_of, failed = list(paths), {}, 0
    async def worker():
        nonlocal failed
        while pending:
            path = pending.pop(0)
            seconds, error, slow = await run(path, timeout)
            name = path.rsplit("/", 1)[-1]
            seconds_of[name] = seconds
            print(f"  {name:<40} {seconds:6.1f} s  {'FAILED' if error else 'ok'}", flush=True)
            if slow:  # a chapter should take well under two minutes
                print(f"  slow: {name}: " + "; ".join(slow), flush=True)
            if error:
                failed += 1
                print(error, flush=True)
    await asyncio.gather(worker(), worker())
    with open(record, "w", encoding="utf-8") as out:
        json.dump(seconds_of, out)
    return 1 if failed else 0

sys.exit(asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3:])))
'''

TIMEOUT = 600  # seconds per cell


def execute(python, paths, env, cwd, durations=None):
    """Execute the notebooks `paths` with `python` (whose environment has nbclient and ipykernel).

    `durations` ({file name: seconds} of an earlier run) orders them longest first; the seconds of
    this run are written back into it. Returns the exit status: 0 when every cell of every chapter ran.
    """
    durations = {} if durations is None else durations
    ordered = sorted(map(str, paths), key=lambda p: -durations.get(Path(p).name, 0))
    with tempfile.TemporaryDirectory(prefix="chapter-seconds-") as tmp:
        record = Path(tmp) / "seconds.json"
        result = subprocess.run([str(python), "-c", RUNNER, str(TIMEOUT), str(record), *ordered], cwd=cwd, env=env)
        if record.exists():
            durations.update(json.loads(record.read_text(encoding="utf-8")))
    return result.returncode


if __name__ == "__main__":
    sys.exit("run_chapters is a module: use tools/robust.py or tools/binder_check.py")
