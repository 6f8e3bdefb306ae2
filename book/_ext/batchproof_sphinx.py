"""Local Sphinx extension of the batchproof book.

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


def setup(app):
    # early: html-page-context stops at the first handler that returns a template name
    app.connect("html-page-context", _dedup_scripts, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
