"""Local Sphinx extension of the batchproof book.

Pages are read (their notebooks executed) in parallel processes when ``batchproof book``
asks for several jobs.  Three extensions do not declare whether they allow that, so Sphinx would
read serially (with a warning, an error under ``-W``); they are declared safe here, having been
read: jupyter-book's ``sphinx_multitoc_numbering`` only replaces the toctree collector's section
numbering (run in the main process after reading), ``sphinx-mathjax-offline`` only sets
``mathjax_path`` and copies MathJax into the output when the build has finished, and
``sphinx_jupyterbook_latex`` registers nodes and transforms that act only when building LaTeX.
The jupyter-cache database is created before the readers start (two readers creating its tables
at once fail with "table settings already exists"); SQLite serialises their writes.

sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``) once
per read phase, so a page can carry it twice and every page then logs "Identifier
'THEBE_JS_URL' has already been declared". This drops repeated script entries (same file
or same inline body, same attributes) from each page's context.
"""


def _dedup_scripts(app, pagename, templatename, context, doctree):
    files = context.get("script_files")
    if not files:
        return
    seen, out = set(), []
    for js in files:
        # an inline script's filename is None or "" depending on who added it: both mean none
        key = (str(getattr(js, "filename", js) or ""), tuple(sorted(getattr(js, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        out.append(js)
    files[:] = out  # in place: handlers that run later (sphinx.ext.mathjax's) append to this list


_READ_SAFE = ("sphinx_multitoc_numbering", "sphinx-mathjax-offline", "sphinx_jupyterbook_latex")


def _declare_parallel_safe(app, config):
    for name in _READ_SAFE:
        ext = app.extensions.get(name)
        if ext is not None and ext.parallel_read_safe is None:
            ext.parallel_read_safe = True


def _create_execution_cache(app):
    cfg = getattr(app.env, "mystnb_config", None)
    if app.parallel > 1 and cfg is not None and cfg.execution_mode == "cache" and cfg.execution_cache_path:
        from jupyter_cache import get_cache

        get_cache(cfg.execution_cache_path).db  # noqa: B018 -- creates the database and its tables


def setup(app):
    # early: html-page-context stops at the first handler that returns a template name
    app.connect("html-page-context", _dedup_scripts, priority=1)
    app.connect("config-inited", _declare_parallel_safe)  # before the builder decides on parallel reading
    app.connect("builder-inited", _create_execution_cache, priority=900)  # after myst-nb sets its path
    return {"parallel_read_safe": True, "parallel_write_safe": True}
