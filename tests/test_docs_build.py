"""The documentation site builds from ``docs/`` offline and with no warning.

CI runs README's test command only, so the site is built here: ``sphinx-build -W`` (every
warning an error) into a temporary folder, in this process so that the package's imports
are shared with the other tests. Sphinx comes with the ``test`` extra (it includes the
``docs`` extra), so a missing Sphinx fails rather than skips.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

import sharedopt

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# Python deprecation notices to extension authors (myst-parser's and napoleon's use of Sphinx
# APIs) are not about these pages; the pages' own warnings go to the warnings file and fail
# the build test.
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")]


def _build_main():
    """Sphinx's command-line entry point, or a failure saying how to install it."""
    try:
        from sphinx.cmd.build import build_main
    except ImportError:
        pytest.fail('Sphinx is not installed: install as README says, pip install -e ".[test]" '
                    "(the test extra brings the docs extra: sphinx, myst-parser)")
    return build_main


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once: ``(exit status, warnings text, html folder)``."""
    out = tmp_path_factory.mktemp("docs-site")
    warnings = out / "warnings.txt"
    status = _build_main()(["-W", "--keep-going", "-q", "-j", "1", "-b", "html", "-w", str(warnings),
                            str(DOCS), str(out / "html")])
    return status, warnings.read_text(encoding="utf-8"), out / "html"


def test_the_site_builds_without_a_warning(site):
    status, warnings, _ = site
    assert warnings == "", ("the documentation site has warnings (a new page goes in a toctree of "
                            "docs/index.md; see docs/contributing.md, 'The documentation site'):\n"
                            + warnings)
    assert status == 0


def test_every_page_in_docs_is_in_the_site(site):
    _, _, html = site
    pages = {page.stem for page in DOCS.glob("*.md")}
    assert pages and pages <= {page.stem for page in html.glob("*.html")}


def test_the_api_reference_documents_every_public_name(site):
    _, _, html = site
    api = (html / "api.html").read_text(encoding="utf-8")
    public = [name for name in sharedopt.__all__ if not name.startswith("_")]
    missing = [name for name in public if f'id="sharedopt.{name}"' not in api]
    assert not missing, f"add these to docs/api.md: {missing}"
    assert 'id="sharedopt.pipeline.result.Result"' in api


def test_readme_and_architecture_pages_link_within_the_site(site):
    _, _, html = site
    start = (html / "start.html").read_text(encoding="utf-8")
    assert 'href="architecture.html"' in start and 'href="economics.html"' in start


def test_a_link_to_markdown_outside_docs_is_a_download_of_that_file(site):
    _, _, html = site
    data_page = (html / "data.html").read_text(encoding="utf-8")  # links ../data/README.md
    downloads = [path.relative_to(html).as_posix() for path in html.glob("_downloads/*/README.md")]
    assert len(downloads) == 1 and f'href="{downloads[0]}"' in data_page
    assert (html / downloads[0]).read_bytes() == (ROOT / "data" / "README.md").read_bytes()


def _conf():
    """docs/conf.py as a module."""
    spec = importlib.util.spec_from_file_location("docs_conf", DOCS / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_page_that_no_toctree_names_is_listed_under_other_pages():
    conf = _conf()
    app = SimpleNamespace(config=SimpleNamespace(root_doc="index"),
                          env=SimpleNamespace(found_docs={"index", "start", "new-page"}))
    index = ["# Title\n\n```{toctree}\n:caption: Getting started\n\nstart\n```\n"]
    conf._list_unlisted_pages(app, "index", index)
    assert conf.listed_pages(index[0]) == {"start", "new-page"}
    assert index[0].count(":caption: Other pages") == 1 and index[0].rstrip().endswith("new-page\n```")
    listed_once = list(index)
    conf._list_unlisted_pages(app, "start", listed_once)  # other pages are left as they are
    assert listed_once == index
