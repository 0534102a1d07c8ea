"""Sphinx configuration of the sharedopt documentation site.

Build (no network needed; ``tests/test_docs_build.py`` runs the same with ``-W``, so any
warning fails the tests)::

    python -m sphinx -b html docs docs/_build/html

The pages are the Markdown files of ``docs/`` (MyST); README.md and ARCHITECTURE.md are
included as pages; the API reference is generated from the numpydoc docstrings.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from sphinx import addnodes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # the package, installed or not

project = "sharedopt"
author = "sharedopt contributors"
copyright = "sharedopt contributors"  # no year: the same bytes whenever it is built

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "screenshots"]

# MyST: Markdown pages; heading anchors so that page.md#a-heading links resolve
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# autodoc + napoleon: numpydoc docstrings of the public API
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True  # "Attributes" sections as fields, not separate objects
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
add_module_names = False

html_theme = "alabaster"
html_title = "sharedopt"
html_theme_options = {"description": "Shared-services opportunity optimiser for local government",
                      "fixed_sidebar": True}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
html_show_sourcelink = False
html_last_updated_fmt = None  # no build time in any page


# README.md and ARCHITECTURE.md link to each other and to docs/ by their repository
# paths; inside the site they are the pages start.md and architecture.md.
_REPOSITORY_LINKS = {"](ARCHITECTURE.md)": "](architecture.md)", "](README.md)": "](start.md)",
                     "](docs/": "]("}


def _site_links(app, relative_path, parent_docname, content):
    """Rewrite README's and ARCHITECTURE's repository links into links between site pages."""
    if Path(relative_path).name in {"README.md", "ARCHITECTURE.md"}:
        for old, new in _REPOSITORY_LINKS.items():
            content[0] = content[0].replace(old, new)


_SHARED_ENTRY = re.compile(r"^(\s*)(\w+(?:, \w+)+) : (.*)$")


def _one_entry_per_name(app, what, name, obj, options, lines):
    """Split numpydoc entries that name several fields (``done, total : int``) into one per name.

    numpydoc allows them; napoleon renders only single names in an Attributes section. Runs
    before napoleon (priority 400 < 500).
    """
    out, i = [], 0
    while i < len(lines):
        match = _SHARED_ENTRY.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent, names, kind = match.groups()
        body_end = i + 1
        while body_end < len(lines) and (not lines[body_end].strip() or
                                         lines[body_end].startswith(indent + " ")):
            body_end += 1
        for field in names.split(", "):
            out += [f"{indent}{field} : {kind}", *lines[i + 1:body_end]]
        i = body_end
    lines[:] = out


_TOCTREE = re.compile(r"```\{toctree\}\n(.*?)```", re.S)


def listed_pages(index_text: str) -> set[str]:
    """The pages that the toctrees of ``index.md`` name."""
    return {line.strip() for body in _TOCTREE.findall(index_text) for line in body.splitlines()
            if line.strip() and not line.strip().startswith(":")}


def _list_unlisted_pages(app, docname, source):
    """List the pages that no toctree of index.md names under "Other pages".

    A new page is then in the site from its first commit; its place in a section of
    index.md is an edit to make (docs/contributing.md).
    """
    if docname != app.config.root_doc:
        return
    unlisted = sorted(app.env.found_docs - listed_pages(source[0]) - {docname})
    if unlisted:
        source[0] += "\n```{toctree}\n:caption: Other pages\n:maxdepth: 1\n\n" + "\n".join(unlisted) + "\n```\n"


def _outside_markdown_as_downloads(app, doctree):
    """Make links to Markdown files outside docs/ (``../benchmarks/results/x.md``) downloads.

    Such files are not pages of the site, so MyST would report an unknown document; the
    link keeps working as on the repository's web view. Runs before Sphinx collects the
    downloads (priority 400 < 500). A link to a file that does not exist stays a warning.
    """
    here = Path(doctree["source"]).parent
    for node in list(doctree.findall(addnodes.pending_xref)):
        target = Path(str(node.get("reftarget", "")) + ".md")
        if node.get("refdomain") != "doc" or not target.is_absolute() or not target.is_file():
            continue
        node.replace_self(addnodes.download_reference(
            "", "", *node.children, refdomain=None, reftype="myst", refdoc=node["refdoc"],
            refexplicit=node.get("refexplicit", False), reftarget=os.path.relpath(target, here)))


def setup(app):
    """Connect the page listing, the link rewriting and the docstring splitting."""
    app.connect("source-read", _list_unlisted_pages)
    app.connect("include-read", _site_links)
    app.connect("doctree-read", _outside_markdown_as_downloads, priority=400)
    app.connect("autodoc-process-docstring", _one_entry_per_name, priority=400)
    return {"parallel_read_safe": True}
