"""The questionnaire in other languages: one file per language beside the source bank.

`assessments/translations/<language>.yaml` holds, for one instrument, a translation of every
text a respondent reads, keyed by where the text lives in the source (see `source_texts`):

    item.DEC1.text, item.DEC1.observer          a statement, and its wording for observers
    skill.DEC.name, skill.DEC.definition        a skill's name and definition
    scenario.SJT-DEC-1.text                     a situation
    scenario.SJT-DEC-1.option.a.text            one of its responses
    scale.1.label ... scale.5.label, scale.not_applicable_label
    rater_form.title, rater_form.instructions, rater_form.not_observed_label
    rater_form.open_question.keep_doing.text    the 360 form's own texts (issue 22)
    title, instructions, scenarios_intro
    tip.DEC.1.title, tip.DEC.1.action           the coaching tips (1 = the skill's first)

Each entry records `source`, the first 12 hex digits of the SHA-256 of the English text it
was translated from. When the English text changes, its hash no longer matches and the
translation is *outdated*: the questionnaire shows the English text instead until a
translator updates it (an outdated translation may no longer say what the item measures),
and `leadcoach check-bank` counts missing and outdated texts per language, as Forsta's
translation files count "outdated" strings. A key with no source text (a field another
version has, such as an observer wording not yet written) is *unused* and ignored.

A file also says who confirmed the translation (`review`): translations drafted for the
project stay `needs-review` until a fluent contact-centre professional confirms them. The
marking is for the people who maintain the files; respondents never see it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leadcoach.instrument.bank import BankError, Instrument, Tip
from leadcoach.platform import i18n
from leadcoach.platform.languages import SOURCE, SUPPORTED, code_for

TRANSLATIONS_DIR = "translations"
HASH_LENGTH = 12
NEEDS_REVIEW = "needs-review"
# The text fields of a statement that are translated; `observer` is the wording raters see
# (the multi-rater issue adds it to the source bank; until then it has no source text).
ITEM_FIELDS = ("text", "observer")


def source_hash(text: str) -> str:
    """The short hash that ties a translation to the English text it was made from."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:HASH_LENGTH]


def source_texts(
    instrument: Instrument, tips: dict[str, tuple[Tip, ...]] | None = None
) -> dict[str, str]:
    """Every translatable text of the instrument (and tips), keyed as the files key them."""
    texts = {
        "title": instrument.title,
        "instructions": instrument.instructions,
        "scenarios_intro": instrument.scenarios_intro,
        "scale.not_applicable_label": instrument.scale.not_applicable_label,
    }
    for point in instrument.scale.points:
        texts[f"scale.{point.value}.label"] = point.label
    if instrument.rater_form is not None:  # the 360 form's own texts (issue 22)
        form = instrument.rater_form
        texts["rater_form.title"] = form.title
        texts["rater_form.instructions"] = form.instructions
        texts["rater_form.not_observed_label"] = form.not_observed_label
        for question in form.open_questions:
            texts[f"rater_form.open_question.{question.id}.text"] = question.text
    for skill in instrument.skills:
        texts[f"skill.{skill.id}.name"] = skill.name
        texts[f"skill.{skill.id}.definition"] = skill.definition
        for item in skill.items:
            for name in ITEM_FIELDS:
                value = getattr(item, name, None)
                if isinstance(value, str) and value.strip():
                    texts[f"item.{item.id}.{name}"] = value
        for scenario in skill.scenarios:
            texts[f"scenario.{scenario.id}.text"] = scenario.text
            for option in scenario.options:
                texts[f"scenario.{scenario.id}.option.{option.id}.text"] = option.text
    for skill_id, skill_tips in (tips or {}).items():
        for number, tip in enumerate(skill_tips, start=1):
            texts[f"tip.{skill_id}.{number}.title"] = tip.title
            texts[f"tip.{skill_id}.{number}.action"] = tip.action
    return texts


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(pattern=r"^[0-9a-f]{12}$")
    text: str = Field(min_length=1)


class _Review(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    status: str = Field(min_length=1)
    note: str = ""
    reviewer: str = ""


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    language: str
    instrument: str
    review: _Review
    texts: dict[str, _Entry]


@dataclass(frozen=True)
class Translation:
    """One language's translations of one instrument."""

    language: str
    instrument_id: str
    review_status: str
    texts: dict[str, tuple[str, str]]  # key -> (source hash, translated text)

    @property
    def needs_review(self) -> bool:
        """True until a fluent reviewer has confirmed the file."""
        return self.review_status == NEEDS_REVIEW


@dataclass(frozen=True)
class Status:
    """How complete one language is against the current source."""

    language: str
    total: int
    current: int
    missing: tuple[str, ...]
    outdated: tuple[str, ...]
    unused: tuple[str, ...]
    needs_review: bool

    def line(self) -> str:
        """One line for `check-bank`."""
        name = SUPPORTED.get(self.language, self.language)
        text = (
            f"{self.language} ({name}): {self.current} of {self.total} texts translated, "
            f"{len(self.missing)} missing, {len(self.outdated)} outdated"
        )
        if self.outdated:
            shown = ", ".join(self.outdated[:5]) + (" ..." if len(self.outdated) > 5 else "")
            text += f" (outdated: {shown})"
        if self.needs_review:
            text += "; drafted, needs review by a fluent contact-centre professional"
        return text


def load_translations(directory: Path, instrument_id: str) -> dict[str, Translation]:
    """language -> its translation of this instrument, from `<directory>/translations/`.
    A broken file raises BankError naming it; a language outside the supported list too."""
    folder = Path(directory) / TRANSLATIONS_DIR
    found: dict[str, Translation] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        name = f"{TRANSLATIONS_DIR}/{path.name}"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            parsed = _File.model_validate(data)
        except yaml.YAMLError as error:
            raise BankError(name, "", f"YAML error: {error}") from None
        except ValidationError as error:
            first = error.errors()[0]
            where = " > ".join(str(part) for part in first["loc"])
            raise BankError(name, where, first["msg"][0].lower() + first["msg"][1:]) from None
        if parsed.language not in SUPPORTED or parsed.language == SOURCE:
            known = ", ".join(code for code in SUPPORTED if code != SOURCE)
            raise BankError(name, "language", f"'{parsed.language}' is not one of {known}")
        if parsed.language != path.stem:
            raise BankError(name, "language", f"'{parsed.language}' in a file named {path.name}")
        if parsed.instrument != instrument_id:
            continue
        found[parsed.language] = Translation(
            parsed.language,
            parsed.instrument,
            parsed.review.status,
            {key: (entry.source, entry.text) for key, entry in parsed.texts.items()},
        )
    return found


def status(translation: Translation, sources: dict[str, str]) -> Status:
    """Missing, outdated and unused keys of one language against the current source."""
    missing, outdated = [], []
    for key, text in sources.items():
        entry = translation.texts.get(key)
        if entry is None:
            missing.append(key)
        elif entry[0] != source_hash(text):
            outdated.append(key)
    unused = tuple(sorted(set(translation.texts) - set(sources)))
    return Status(
        translation.language,
        len(sources),
        len(sources) - len(missing) - len(outdated),
        tuple(missing),
        tuple(outdated),
        unused,
        translation.needs_review,
    )


def texts_for(
    instrument: Instrument,
    language: str | None,
    translations: dict[str, Translation],
    tips: dict[str, tuple[Tip, ...]] | None = None,
) -> dict[str, str]:
    """Every text of the questionnaire in `language`: its current translation where there
    is one, the English source otherwise (missing or outdated). Keys as `source_texts`."""
    sources = source_texts(instrument, tips)
    translation = translations.get(language or SOURCE)
    if translation is None:
        return sources
    texts = dict(sources)
    for key, text in sources.items():
        entry = translation.texts.get(key)
        if entry is not None and entry[0] == source_hash(text):
            texts[key] = entry[1]
    return texts


def skill_names(
    instrument: Instrument, language: str | None, translations: dict[str, Translation]
) -> dict[str, str]:
    """skill id -> the skill's name in `language` (English where not translated), for
    frames that carry skill names (cohort reports and workbooks built in a language)."""
    texts = texts_for(instrument, language, translations)
    return {skill.id: texts[f"skill.{skill.id}.name"] for skill in instrument.skills}


def shown_words(
    instrument: Instrument, language: str | None, translations: dict[str, Translation]
) -> dict[str, str]:
    """The questionnaire's texts that pages, tables, charts and files show outside the
    questionnaire itself, in the source language -> in `language` (where translated and
    current): the skills' names and definitions, the statements (the quality page's and the
    360 report's tables) and the answer scale's labels (column headers, the report's answers)."""
    sources = source_texts(instrument)
    texts = texts_for(instrument, language, translations)
    shown = ("skill.", "item.", "scale.")
    return {
        source: texts[key]
        for key, source in sources.items()
        if key.startswith(shown) and texts.get(key, source) != source
    }


def register(instrument: Instrument, translations: dict[str, Translation]) -> None:
    """Make the questionnaire's shown texts (`shown_words`) known to i18n, so that every text
    shown in a language names the skills, statements and answers in it (see
    leadcoach.platform.i18n): called where the translations are loaded for showing (the ui's
    context, reports and workbooks)."""
    for language in translations:
        i18n.add_questionnaire_texts(language, shown_words(instrument, language, translations))


def load_for_showing(directory: Path, instrument: Instrument) -> dict[str, Translation]:
    """`load_translations` for a process that shows the instrument to people (the app, the
    mail scheduler, reports): its skills' names are registered as well (`register`)."""
    found = load_translations(Path(directory), instrument.id)
    register(instrument, found)
    return found


def translate(
    instrument: Instrument, language: str | None, translations: dict[str, Translation]
) -> Instrument:
    """The instrument with its texts in `language` (ids, keys and scoring unchanged), for
    showing; scoring and freezing always use the source instrument."""
    if (language or SOURCE) not in translations:
        return instrument
    texts = texts_for(instrument, language, translations)
    data = instrument.model_dump()
    data["title"], data["instructions"] = texts["title"], texts["instructions"]
    data["scenarios_intro"] = texts["scenarios_intro"]
    data["scale"]["not_applicable_label"] = texts["scale.not_applicable_label"]
    for point in data["scale"]["points"]:
        point["label"] = texts[f"scale.{point['value']}.label"]
    if data.get("rater_form") is not None:
        form = data["rater_form"]
        for name in ("title", "instructions", "not_observed_label"):
            form[name] = texts[f"rater_form.{name}"]
        for question in form["open_questions"]:
            question["text"] = texts[f"rater_form.open_question.{question['id']}.text"]
    for skill in data["skills"]:
        skill["name"] = texts[f"skill.{skill['id']}.name"]
        skill["definition"] = texts[f"skill.{skill['id']}.definition"]
        for item in skill["items"]:
            for name in ITEM_FIELDS:
                if f"item.{item['id']}.{name}" in texts:
                    item[name] = texts[f"item.{item['id']}.{name}"]
        for scenario in skill["scenarios"]:
            scenario["text"] = texts[f"scenario.{scenario['id']}.text"]
            for option in scenario["options"]:
                option["text"] = texts[f"scenario.{scenario['id']}.option.{option['id']}.text"]
    return Instrument.model_validate(data)


def translate_tips(
    tips: dict[str, tuple[Tip, ...]],
    instrument: Instrument,
    language: str | None,
    translations: dict[str, Translation],
) -> dict[str, tuple[Tip, ...]]:
    """The coaching tips in `language` (English where a tip is missing or outdated)."""
    texts = texts_for(instrument, language, translations, tips)
    return {
        skill_id: tuple(
            Tip(
                title=texts[f"tip.{skill_id}.{n}.title"], action=texts[f"tip.{skill_id}.{n}.action"]
            )
            for n, _ in enumerate(skill_tips, start=1)
        )
        for skill_id, skill_tips in tips.items()
    }


def questionnaire_language(language: str | None, translations: dict[str, Translation]) -> str:
    """The language a person is shown the questionnaire in: theirs when it has a
    translation, the source language otherwise (also for an unknown or empty one)."""
    code = code_for(language)
    return code if code in translations else SOURCE
