"""The languages LeadCoach speaks: one list, read by the roster, the questionnaire's
translations, the interface's catalogs and the sign-in page's chooser.

Codes are BCP 47 primary language subtags (what Babel's `Locale.parse` and a browser's
`Accept-Language` give); the names are each language's own name for itself, as a chooser
shows them (Babel's `Locale.get_display_name()` in that language)."""

from __future__ import annotations

# The questionnaire and the interface are written in English; every other language is a
# translation of it.
SOURCE = "en"

# code -> the language's own name
SUPPORTED: dict[str, str] = {
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "fr": "Français",
}

# Languages written right to left (of those supported).
RIGHT_TO_LEFT = frozenset({"ar"})

# The English name of each supported language, so a roster may say "Arabic" as well as "ar".
ENGLISH_NAMES: dict[str, str] = {"en": "English", "ar": "Arabic", "es": "Spanish", "fr": "French"}


def code_for(text: object) -> str | None:
    """The supported language a text names, as its code, or None: a code ("ar"), a browser
    tag ("ar-EG", "fr_CA"), an English name ("Arabic") or the language's own name
    ("Español"), in any case. Old free-text values ("Filipino") read as None."""
    if not isinstance(text, str) or not text.strip():
        return None
    plain = text.strip().casefold()
    primary = plain.replace("_", "-").split("-")[0]
    if primary in SUPPORTED:
        return primary
    for code in SUPPORTED:
        if plain in (SUPPORTED[code].casefold(), ENGLISH_NAMES[code].casefold()):
            return code
    return None
