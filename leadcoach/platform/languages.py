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
