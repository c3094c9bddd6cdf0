"""Checks of user-typed values that several use cases share.

Text never holds control characters (Unicode category Cc: U+0000 to U+001F and U+007F to
U+009F) or lone surrogates (category Cs). They are invisible on the page, so a name that
holds one looks like another person's; PostgreSQL cannot store the null character at all
(its text types refuse U+0000), so SQLite would keep what PostgreSQL refuses; escape
sequences rewrite a terminal that prints them (the command line prints names); and a line
break inside a name splits a CSV row or a log line. Text written on several lines (a note,
a goal, a comment) keeps its line breaks and tabs, the two controls a text box produces on
purpose; one-line fields (names, and everything a roster cell holds) keep neither. Format
characters (category Cf) are allowed: the zero-width joiner and non-joiner are part of
correct spelling in Persian, Indic scripts and emoji, and right-to-left marks in Arabic
and Hebrew names.
"""

from __future__ import annotations

import re
import unicodedata

from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import N_, _

# What a text box sends for a new line on each platform; stored as "\n".
_LINE_BREAKS = re.compile(r"\r\n?")
_MULTILINE_CONTROLS = frozenset("\n\t")
# What each control is, as a message names it (texts of the catalog, issue 25).
_CONTROL_NAMES = {
    0x00: N_("an invisible null character ({code})"),
    0x07: N_("an invisible bell character ({code})"),
    0x08: N_("an invisible backspace character ({code})"),
    0x0B: N_("an invisible vertical tab ({code})"),
    0x0C: N_("an invisible page break ({code})"),
    0x1B: N_("an invisible escape character ({code})"),
    0x7F: N_("an invisible delete character ({code})"),
}
_TAB, _LINE_BREAK = N_("a tab"), N_("a line break")
_CARRIAGE_RETURN = N_("a line break (carriage return)")


def forbidden_character(text: str, *, one_line: bool) -> str | None:
    """Where and what the first character the text may not hold is, as words for a
    message ("an invisible null character (U+0000) at character 4"), or None."""
    for position, character in enumerate(text, start=1):
        if one_line or character not in _MULTILINE_CONTROLS:
            category = unicodedata.category(character)
            if category in ("Cc", "Cs"):
                return _("{what} at character {position}").format(
                    what=_describe(character), position=position
                )
    return None


def _describe(character: str) -> str:
    code = ord(character)
    if code in (0x09, 0x0A, 0x0D):
        return _({0x09: _TAB, 0x0A: _LINE_BREAK, 0x0D: _CARRIAGE_RETURN}[code])
    name = _CONTROL_NAMES.get(code, N_("an invisible control character ({code})"))
    return _(name).format(code=f"U+{code:04X}")


def visible(text: str) -> str:
    """The text with every control character drawn as a visible symbol, for quoting a
    refused value in a message: U+0000-U+001F as their Unicode control pictures
    (U+2400-U+241F: ␀, ␉, ␊, ␛ ...), U+007F as ␡, the rest as �."""
    return "".join(_visible(character) for character in text)


def _visible(character: str) -> str:
    code = ord(character)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if unicodedata.category(character) in ("Cc", "Cs"):
        return "\ufffd"
    return character


def clean_text(
    value: str | None, field: str, limit: int, required: bool = True, *, one_line: bool = False
) -> str:
    """The value trimmed (its line breaks as "\\n"), or InvalidInput naming the field when
    it is empty, too long, or holds a control character; `one_line` also refuses line
    breaks and tabs."""
    cleaned = _LINE_BREAKS.sub("\n", value or "").strip()
    if required and not cleaned:
        raise InvalidInput.of(field, _("write something here."))
    if len(cleaned) > limit:
        raise InvalidInput.of(
            field,
            _("use at most {limit} characters (now {length}).").format(
                limit=limit, length=len(cleaned)
            ),
        )
    found = forbidden_character(cleaned, one_line=one_line)
    if found is None:
        return cleaned
    first = next(c for c in cleaned if unicodedata.category(c) in ("Cc", "Cs") and (
        one_line or c not in _MULTILINE_CONTROLS))  # fmt: skip
    if first in "\n\r":
        raise InvalidInput.of(
            field, _("remove {found}; write this on one line.").format(found=found)
        )
    if first == "\t":
        raise InvalidInput.of(field, _("remove {found}; use a space instead.").format(found=found))
    raise InvalidInput.of(
        field,
        _(
            "remove {found}. Such characters are invisible and not accepted; they "
            "often come from copying out of another program."
        ).format(found=found),
    )


def time_zone(value: str | None, field: str = N_("Time zone")) -> str | None:
    """An IANA time zone name as zoneinfo knows it (None when empty), or InvalidInput."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    cleaned = (value or "").strip()
    if not cleaned:
        return None
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            _(
                '{field}: "{value}" is not a time zone; use a name such as Europe/London, '
                "Asia/Manila or America/Bogota."
            ).format(field=_(field), value=cleaned[:60])
        ) from None
    return cleaned
