"""Issue 25: the language is per request (never process-wide), Arabic's six plural forms,
locale formats, and the one normaliser of language names."""

from __future__ import annotations

import threading
from datetime import date

from leadcoach.platform import i18n
from leadcoach.platform.languages import code_for


def test_each_thread_keeps_its_own_language():
    """Two sessions of one server (Streamlit runs each in its own thread) never switch each
    other's language, as the process-wide gettext.install would."""
    seen: dict[str, list[str]] = {"ar": [], "fr": []}
    ready = threading.Barrier(2)

    def session(code: str) -> None:
        i18n.activate(code)
        ready.wait()  # both have set their language before either reads
        for _ in range(50):
            seen[code].append(i18n.gettext("Sign out"))

    threads = [threading.Thread(target=session, args=(code,)) for code in seen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seen["ar"]) == {"تسجيل الخروج"} and set(seen["fr"]) == {"Se déconnecter"}
    assert i18n.current() == "en" and i18n.gettext("Sign out") == "Sign out"


def test_arabic_has_six_plural_forms():
    single, plural = "{count} statement", "{count} statements"
    with i18n.using("ar"):
        forms = [i18n.ngettext(single, plural, n).format(count=n) for n in (0, 1, 2, 5, 11, 100)]
    assert forms == ["لا عبارات", "عبارة واحدة", "عبارتان", "5 عبارات", "11 عبارة", "100 عبارة"]
    with i18n.using("fr"):
        assert i18n.ngettext(single, plural, 1).format(count=1) == "1 énoncé"
        assert i18n.ngettext(single, plural, 3).format(count=3) == "3 énoncés"


def test_numbers_and_dates_follow_the_language():
    assert i18n.formatted(1234.5, ".1f") == "1234.5"  # English as before
    with i18n.using("fr"):
        assert i18n.formatted(1234.5, ".1f") == "1\u202f234,5"
        assert i18n.formatted(0.25, ".0%") == "25\u00a0%"
        assert i18n.day(date(2026, 12, 4), month="MMMM") == "4 décembre 2026"
    with i18n.using("es"):
        assert i18n.formatted(-3.25, "+.1f") == "-3,2"
        assert i18n.formatted(3.25, "+.1f") == "+3,2"
    with i18n.using("ar"):
        assert "ديسمبر" in i18n.day(date(2026, 12, 4))


def test_a_name_is_isolated_where_directions_mix():
    assert i18n.isolate("Ana Lima") == "Ana Lima"  # Latin in English text: as it is
    assert i18n.isolate("فريد حداد") == "\u2068فريد حداد\u2069"  # Arabic in English text
    with i18n.using("ar"):
        assert i18n.isolate("Ana Lima") == "\u2068Ana Lima\u2069"  # Latin in Arabic text


def test_language_names_codes_and_browser_tags_read_as_codes():
    assert [code_for(v) for v in ("ar", "ar-EG", "fr_CA", "Arabic", "español", "Français")] == [
        "ar", "ar", "fr", "ar", "es", "fr",
    ]  # fmt: skip
    assert [code_for(v) for v in ("Filipino", "German", "", None, "  ")] == [None] * 5


def test_a_large_bound_reads_as_a_number_in_every_language_never_in_exponent_form():
    # The KPI catalogue's bounds (valid_to up to 10,000,000) were shown as "1e+07".
    from leadcoach.reporting import vocabulary

    expected = {"en": ["10,000,000", "0.5"], "fr": ["10\u202f000\u202f000", "0,5"],
                "es": ["10.000.000", "0,5"]}  # fmt: skip
    for code, (large, half) in expected.items():
        with i18n.using(code):
            assert vocabulary.cell(10_000_000.0, ",.12g") == large
            assert vocabulary.cell(0.5, ",.12g") == half
