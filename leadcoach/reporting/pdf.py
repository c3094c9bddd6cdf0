"""HTML and CSS to PDF with WeasyPrint: the one place a report becomes a PDF file.

WeasyPrint (pinned in requirements.txt) lays out real text with Pango and HarfBuzz, so
Arabic is shaped and set right to left, table headers repeat on each page and a row is
never split across pages (`tr {break-inside: avoid}`, STACK-NOTES). Its Debian libraries
(libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz0b, libfontconfig1) and DejaVu fonts, which
cover Arabic, are installed by scripts/test-services. Templates are Jinja2 files in
`templates/` beside this module, autoescaped, so a name cannot inject markup.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import queue
from collections.abc import Iterator
from pathlib import Path

import jinja2
import markupsafe

from leadcoach.platform import i18n

TEMPLATES = Path(__file__).parent / "templates"
# The fonts of every report: DejaVu covers Latin, Greek, Cyrillic and Arabic (Debian's
# fonts-dejavu-core; `fc-list :lang=ar`), so a name in any of them never falls back to boxes.
FONT_FAMILY = '"DejaVu Sans", "Noto Sans", "Noto Sans Arabic", sans-serif'


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates' environment (autoescaping on, undefined names an error)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = lambda text: markupsafe.Markup(css_string(str(text)))
    return env


def css_string(text: str) -> str:
    """Text made safe inside a CSS string in a <style> element (a footer's content): quotes
    and backslashes escaped, angle brackets as CSS escapes, so no name ends the string or
    the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("<", "\\3c ").replace(">", "\\3e ").replace("\n", " ")


# CLDR numbering systems -> CSS counter styles of the same digits.
PAGE_DIGITS = {"latn": "decimal", "arab": "arabic-indic", "arabext": "persian"}


@functools.cache
def _css() -> str:
    # Read once per process: the style sheet ships with the package and never changes while
    # it runs.
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def render_html(template: str, **values: object) -> str:
    """A report's HTML from its template and values, in the language in use
    (`i18n.using`): its `lang`, its direction (`dir="rtl"` for Arabic, which the style
    sheet mirrors) and its page numbers in the language's digits."""
    rtl = i18n.is_rtl()
    return (
        environment()
        .get_template(template)
        .render(
            css=markupsafe.Markup(_css()),  # the package's own style sheet, not escaped
            font=FONT_FAMILY,
            lang=i18n.current(),
            dir="rtl" if rtl else "ltr",
            # Page numbers in the digits of the report's other numbers: the language's
            # default numbering system in CLDR (Babel), as a CSS counter style (CSS Counter
            # Styles 3, section 7.1). CLDR's "ar" writes Latin digits; "ar-EG" would not.
            page_digits=PAGE_DIGITS.get(i18n.locale().default_numbering_system, "decimal"),
            **values,
        )
    )


# One WeasyPrint FontConfiguration per concurrent render, reused afterwards. Made anew for
# every PDF (WeasyPrint's default), each render loaded fontconfig's configuration and a new
# Pango font map, so every font was opened, and every glyph shaped and measured, again: about
# a sixth of a warm render's time (cProfile, see the README's "Reports"). A font map is not
# safe to share between threads (Streamlit runs each session's script in its own thread),
# so a render takes one from this pool for itself and gives it back when done.
_FONT_CONFIGS: queue.SimpleQueue = queue.SimpleQueue()


@contextlib.contextmanager
def _font_config() -> Iterator[object]:
    from weasyprint.text.fonts import FontConfiguration

    try:
        config = _FONT_CONFIGS.get_nowait()
    except queue.Empty:
        config = FontConfiguration()
    try:
        yield config
    finally:
        _FONT_CONFIGS.put(config)


def to_pdf(page: str) -> bytes:
    """The HTML page as a PDF file."""
    # Imported here: WeasyPrint and its fonts take about a second to load, which only a
    # report should pay, not every page of the app.
    import weasyprint

    # fontTools logs every subset table it drops at INFO; a report is not worth a log line.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    with _font_config() as config:
        return weasyprint.HTML(string=page, base_url=str(TEMPLATES)).write_pdf(font_config=config)
