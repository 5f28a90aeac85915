"""Lint-style guards that keep the pages working under the Content-Security-Policy and free of HTML injection.

The policy forbids inline script and inline style, so templates may hold neither; and front-end code builds DOM
nodes from text (``textContent``), never HTML strings, so text from a record or an uploaded file cannot become
markup. Leaflet's ``bindTooltip``/``bindPopup``/``setContent`` put a *string* argument in as HTML, so they must be
given an element made by the file's ``label()`` helper.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PEEL = ROOT / "peel"
SCRIPTS = sorted(PEEL.rglob("static/**/*.js"))
TEMPLATES = sorted(PEEL.rglob("templates/**/*.html"))

HTML_SINKS = re.compile(
    r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write(ln)?\s*\(|\bcreateContextualFragment\b"
)
LEAFLET_CONTENT = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\s*\(\s*(?P<arg>[^\s)][^)]{0,12})"
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_is_front_end_code_to_check() -> None:
    assert len(SCRIPTS) >= 4 and len(TEMPLATES) >= 20


@pytest.mark.parametrize("script", SCRIPTS, ids=_rel)
def test_it_refuses_html_sinks_in_static_scripts(script: Path) -> None:
    found = [m.group(0) for m in HTML_SINKS.finditer(script.read_text(encoding="utf-8"))]
    assert not found, f"{_rel(script)} writes HTML: {found}; build nodes and set textContent"


@pytest.mark.parametrize("script", SCRIPTS, ids=_rel)
def test_it_refuses_strings_given_to_leaflet_content(script: Path) -> None:
    for match in LEAFLET_CONTENT.finditer(script.read_text(encoding="utf-8")):
        assert match.group("arg").startswith("label("), (
            f"{_rel(script)}: {match.group(0)!r} - Leaflet puts a string in as HTML; pass label(text)"
        )


@pytest.mark.parametrize("template", TEMPLATES, ids=_rel)
def test_it_refuses_inline_script_and_style_in_templates(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), f"{_rel(template)} has an inline <script>: move it to peel/web/static/"
    assert not HANDLER_ATTRIBUTE.search(text), f"{_rel(template)} has an on* handler attribute"
    assert not INLINE_STYLE.search(text), f"{_rel(template)} has inline style: move it to a static stylesheet"
    assert not SCRIPT_URL.search(text), f"{_rel(template)} has a javascript: URL"


def test_the_guards_catch_what_they_are_for() -> None:
    # The patterns themselves, on small samples: a guard that matches nothing would pass for ever.
    assert HTML_SINKS.search('el.innerHTML = "<b>"') and HTML_SINKS.search("document.write(x)")
    assert not HTML_SINKS.search("el.textContent = name")
    sample = 'l.bindTooltip(f.properties.type + ", " + d); m.bindPopup(label(name))'
    args = [m.group("arg") for m in LEAFLET_CONTENT.finditer(sample)]
    assert args[0].startswith("f.properties") and args[1].startswith("label(")
    assert INLINE_SCRIPT.search("<script>alert(1)</script>") and not INLINE_SCRIPT.search('<script src="/a.js">')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert HANDLER_ATTRIBUTE.search('<img src=x onerror="go()">') and not HANDLER_ATTRIBUTE.search("<a href=/on>")
    assert INLINE_STYLE.search('<span style="width: 5%">') and INLINE_STYLE.search("<style>")
