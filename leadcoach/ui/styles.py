"""The app's own style rules, drawn on every page (the sign-in form too) by leadcoach/ui/app.py.

Fixed rules, no user text in them. Each rule below is there for WCAG 2.1 AA, as axe-core
checks it in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

from leadcoach.ui import tables

# Streamlit draws captions as the text colour at 60% opacity (#828180 on white, 3.88:1) and
# they carry real content (skill definitions, "Submitted on", percentile notes); WCAG 2.1
# 1.4.3 asks 4.5:1 for text of that size. #5F5E5D, opaque, is 6.5:1 and still reads as
# secondary.
CAPTION_TEXT = "#5F5E5D"
# The primary colour, for a keyboard focus ring that shows (WCAG 2.1 2.4.7): Okabe-Ito blue,
# 5.2:1 on white, 3:1 being what 1.4.11 asks of a focus indicator.
FOCUS_RING = "#0072B2"

CSS = " ".join(
    [
        tables.CSS,
        f'[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p '
        f"{{ color: {CAPTION_TEXT}; opacity: 1; }}",
        # The answer radios: baseweb hides the input and draws a faint ring of its own.
        '[data-testid="stRadio"] label:has(input:focus-visible) '
        f"{{ outline: 3px solid {FOCUS_RING}; outline-offset: 2px; border-radius: 4px; }}",
        f".{tables.STYLE_CLASS}:focus-visible {{ outline: 3px solid {FOCUS_RING}; }}",
        # The coach's heatmap, drawn at its own size, scrolls sideways in its own box.
        ".st-key-heatmap { overflow-x: auto; }",
    ]
)


# Issue 25: right to left, for Arabic (leadcoach.ui.language.layout draws it). Streamlit 1.67
# has no right-to-left support (streamlit/streamlit #552, #1353): the main pane and the
# sidebar's content turn rtl (the whole .stApp would move the sidebar and break it at 390 px,
# see STACK-NOTES), and text elements that Streamlit hard-sets to `text-align: left` align to
# the start of their line instead. Flex rows (horizontal radios: a scale's first option at
# the right; tabs; columns; buttons) follow `direction` by themselves.
RTL_CSS = " ".join(
    [
        '[data-testid="stMain"], [data-testid="stSidebarContent"], '
        '[data-testid="stSidebarNav"] { direction: rtl; }',
        '[data-testid="stElementContainer"], [data-testid="stMarkdownContainer"], '
        '[data-testid="stMarkdownContainer"] p, [data-testid="stHeadingWithActionElements"], '
        '[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"], '
        '[data-testid="stTable"] td, [data-testid="stTable"] th, '
        f".{tables.STYLE_CLASS} td, .{tables.STYLE_CLASS} th "
        "{ text-align: start !important; }",
        # No `unicode-bidi: plaintext` guessing from the first letters (Enketo #667: mixed
        # Arabic and Latin text flips): the block's direction is the language's, and a name
        # inside it is isolated (leadcoach.platform.i18n.isolate).
        # Charts mirror themselves (leadcoach.reporting.charts: reversed x, value axis on the
        # right); an inherited rtl would flip the anchors of their SVG text and cut it off.
        '[data-testid="stVegaLiteChart"] { direction: ltr; }',
        # A progress bar fills from the right, as the text reads.
        '[data-testid="stProgress"] [role="progressbar"] { transform: scaleX(-1); }',
    ]
)
