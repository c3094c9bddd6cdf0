"""Showing user-provided text safely in Streamlit's Markdown."""

from __future__ import annotations

import re

# Every character CommonMark (and Streamlit's extensions: $ for maths, ~ for strikethrough,
# : for emoji and icons) may treat as markup; a backslash makes each literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: object) -> str:
    """Escape text so Markdown shows it exactly as typed (names, notes, goals)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
