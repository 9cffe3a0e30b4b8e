"""Local Sphinx extension for this book's build.

1. Explorers render statically: the kernels myst-nb starts inherit this process's environment,
   so `nonlin.book.explore` sees NONLIN_EXPLORER=static and draws a kernel-free player.
2. The site works offline: MathJax is served from the book's own _static folder, copied from the
   `sphinx-mathjax-offline` package installed from PyPI, instead of being loaded from a CDN.
   Thebe (live code through a remote Binder kernel) is off, so its scripts, which sphinx-thebe
   also registers twice and which point at a CDN, are left out of the pages.
3. Pages open in light mode: the figures are drawn on white.
4. Notebooks execute in parallel, into myst-nb's cache (`execute_notebooks: cache`). Just before
   Sphinx reads the pages it has to (re)read, every notebook among them whose code has no entry
   in the cache runs in a pool of EXECUTION_WORKERS processes, exactly as myst-nb would run it
   (same jupyter-cache call, working directory, timeout, allow_errors); myst-nb then finds each
   one in the cache. A notebook that fails stops the build with its traceback.
5. Never stale. jupyter-cache matches a notebook by its code cells only, so outputs computed
   with an older engine would be served forever. Everything else the outputs depend on (the
   engine's source, requirements.txt and the installed versions of what it pins, Python, this
   file) is hashed into the config value `nonlin_execution_inputs`. When the hash changes, the
   cache is emptied (its hash is kept beside it) and Sphinx, whose environment records the old
   value, re-reads every page. A notebook whose code changed misses the cache by itself.
6. Each notebook's execution time is printed at the end of the build (the appendix "Build
   report" shows the same as a table, with myst-nb's `nb-exec-table`).
"""

import hashlib
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path, PurePosixPath

import nbformat
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset

logger = logging.getLogger(__name__)

MATHJAX_ENTRY = "mathjax/tex-chtml.js"
EXECUTION_WORKERS = 2  # the machines that build this book have 2 cores
INPUTS_STAMP = "nonlin-execution-inputs.sha256"  # inside the cache folder: the hash its outputs were made with


def _mathjax_dir():
    package = Path(distribution("sphinx-mathjax-offline").locate_file("sphinx-mathjax-offline"))
    return package / "static" / "mathjax"


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        copy_asset(str(_mathjax_dir()), os.path.join(app.outdir, "_static", "mathjax"))


def _configure(app, config):
    config.mathjax_path = MATHJAX_ENTRY
    config.html_context = {**config.html_context, "default_mode": "light"}


def _is_thebe(script):
    return "thebe" in (script.filename or "") or "THEBE_JS_URL" in script.attributes.get("body", "")


def _drop_thebe_scripts(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]
    if "css_files" in context:
        context["css_files"] = [c for c in context["css_files"] if "thebe" not in (c.filename or "")]


# --- 4.-6. parallel, cached, never stale execution -----------------------------------------------

def _pinned_names(requirements):
    lines = (line.split("#")[0].strip() for line in requirements.read_text(encoding="utf-8").splitlines())
    return sorted(line.split("==")[0] for line in lines if "==" in line)


def execution_inputs(root):
    """A hash of what a notebook's outputs depend on besides its own code cells."""
    root = Path(root)
    digest = hashlib.sha256(sys.version.encode())
    requirements = root / "requirements.txt"
    engine = sorted((root / "lib" / "nonlin").rglob("*.py"))
    for path in [*engine, requirements, Path(__file__)]:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(path.read_bytes())
    for name in _pinned_names(requirements):
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        digest.update(f"{name}=={installed}\n".encode())
    return digest.hexdigest()


def _set_execution_inputs(app, config):
    # A config value of rebuild kind "env": when it differs from the one the saved environment was
    # built with, Sphinx re-reads every page.
    config.nonlin_execution_inputs = execution_inputs(app.srcdir)


def _empty_stale_cache(app):
    nb_config = app.env.mystnb_config
    if nb_config.execution_mode != "cache":
        return
    cache_dir = Path(nb_config.execution_cache_path)
    stamp = cache_dir / INPUTS_STAMP
    current = app.config.nonlin_execution_inputs
    if cache_dir.exists() and (not stamp.exists() or stamp.read_text() != current):
        logger.info("nonlin: the engine, the requirements or Python changed: emptying the notebook cache")
        shutil.rmtree(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def _execute(path, cwd, timeout, allow_errors):
    """Run one notebook as myst-nb's cache mode does; return (executed notebook, seconds, traceback)."""
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=cwd, timeout=timeout, allow_errors=allow_errors, meta_override=True)
    # str(CellExecutionError) is the failing cell and the kernel's traceback, which is what an author needs
    return nbformat.writes(notebook), result.time, str(result.err) if result.err else None


def _notebooks_to_execute(env, docnames, cache):
    """(docname, path, myst-nb config for it) of each notebook to be read whose code is not cached."""
    todo = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if path.suffix != ".ipynb":
            continue
        notebook = nbformat.read(path, as_version=4)
        nb_config = env.mystnb_config
        overrides = dict(notebook.metadata.get(nb_config.metadata_key, {}))
        overrides.pop("output_folder", None)
        nb_config = nb_config.copy(**overrides)
        excluded = any(PurePosixPath(path.as_posix()).match(p) for p in nb_config.execution_excludepatterns)
        if excluded or nb_config.execution_mode != "cache" or nb_config.execution_in_temp:
            continue  # myst-nb handles these itself
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo.append((docname, path, nb_config))
    # Longest first, by the time each took in the build that made the environment (new ones first):
    # then no long notebook starts last while the other worker sits idle.
    metadata = getattr(env, "nb_metadata", {})
    previous = {doc: (data.get("exec_data") or {}).get("runtime") for doc, data in metadata.items()}
    return sorted(todo, key=lambda item: -(previous.get(item[0]) or float("inf")))


def _execute_in_parallel(app, env, docnames):
    env.nonlin_executed = {}
    if env.mystnb_config.execution_mode != "cache":
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(env.mystnb_config.execution_cache_path)
    todo = _notebooks_to_execute(env, docnames, cache)
    if not todo:
        return
    workers = min(EXECUTION_WORKERS, len(todo))
    logger.info(f"nonlin: executing {len(todo)} notebook(s) on {workers} worker(s)")
    started, failures = time.perf_counter(), []
    # "spawn": fresh workers, which inherit os.environ (NONLIN_EXPLORER=static) and pass it to kernels.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs = {}
        for docname, path, nb_config in todo:
            cwd = str(path.parent)  # the notebook's own folder, as myst-nb runs it (execution_in_temp is off)
            args = (str(path), cwd, nb_config.execution_timeout, nb_config.execution_allow_errors)
            jobs[pool.submit(_execute, *args)] = (docname, path, nb_config)
        for job in as_completed(jobs):
            docname, path, nb_config = jobs[job]
            text, seconds, traceback = job.result()
            if traceback is not None:
                failures.append((docname, nb_config, traceback))
                continue
            record = cache.add_nb_to_project(str(path))
            cache.cache_notebook_bundle(CacheBundleIn(nbformat.reads(text, as_version=4), record.uri,
                                                      data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            env.nonlin_executed[docname] = seconds
            logger.info(f"nonlin: executed {docname} in {seconds:.1f} s")
    env.nonlin_execution_wall, env.nonlin_execution_workers = time.perf_counter() - started, workers
    raising = [(docname, traceback) for docname, nb_config, traceback in failures if nb_config.execution_raise_on_error]
    if raising:
        raise ExtensionError("executing notebooks failed:\n\n" + "\n\n".join(
            f"{docname}:\n{traceback}" for docname, traceback in raising))
    # a failure that may not stop the build is left uncached: myst-nb runs it again and reports it


def _report_execution_times(app, exception):
    if exception is not None:
        return
    env = app.env
    executed = getattr(env, "nonlin_executed", {})
    lines = []
    for docname in sorted(env.found_docs):
        data = getattr(env, "nb_metadata", {}).get(docname, {}).get("exec_data")
        if data and data.get("runtime") is not None:
            how = "executed in this build" if docname in executed else "cached: executed by an earlier build"
            lines.append(f"  {docname:<40} {data['runtime']:6.1f} s  {how}")
    if lines:
        logger.info("\nnonlin: notebook execution times (seconds, each notebook's own run)")
        for line in lines:
            logger.info(line)
        if executed:
            logger.info(f"  {len(executed)} executed in this build: {sum(executed.values()):.1f} s of notebook time "
                        f"in {env.nonlin_execution_wall:.1f} s on {env.nonlin_execution_workers} worker(s)")


def setup(app):
    os.environ["NONLIN_EXPLORER"] = "static"
    app.add_config_value("nonlin_execution_inputs", "", "env")
    app.connect("config-inited", _set_execution_inputs)
    app.connect("builder-inited", _empty_stale_cache, priority=900)  # after myst-nb has set its config
    app.connect("env-before-read-docs", _execute_in_parallel, priority=900)
    app.connect("build-finished", _report_execution_times)
    app.connect("config-inited", _configure, priority=900)
    app.connect("html-page-context", _drop_thebe_scripts, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
