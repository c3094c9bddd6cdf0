"""Load and validate the questionnaire files (assessments/*.yaml) into typed instruments.

A broken file gives one readable line naming the file, the line, the place and the problem,
never a traceback: the people who edit these files are psychologists and L&D leads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

TIPS_FILE = "tips.yaml"
MIN_ITEMS_PER_SKILL = 4
SCENARIO_KEYS = (1, 2, 3, 4)
SCALE_POINTS = 5

Path_ = tuple[str | int, ...]


class BankError(Exception):
    """A questionnaire file is unusable; str() is one readable line per problem."""

    def __init__(self, file: str, location: str, problem: str, line: int | None = None):
        self.file, self.location, self.problem, self.line = file, location, problem, line
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}, {location}: {problem}" if location else f"{where}: {problem}")


class BankErrors(BankError):
    """Several files are broken; one line each."""

    def __init__(self, errors: list[BankError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.location, first.problem, first.line)
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return self.args[0]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScalePoint(_Strict):
    value: int
    label: str = Field(min_length=1)


class Scale(_Strict):
    points: tuple[ScalePoint, ...]
    not_applicable_label: str = Field(min_length=1)


class ScoringRules(_Strict):
    min_answered_proportion: float = Field(gt=0, le=1)
    min_valid_skills: int = Field(ge=1)


class Item(_Strict):
    id: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1)
    reverse: bool
    applies_to: str | None = None
    # What a manager, peer, agent or counterpart rates ("... my supervisor ..."); required in
    # instruments with a rater_form (issue 22), absent in older versions.
    observer: str | None = None


class Option(_Strict):
    id: str = Field(min_length=1, max_length=8)
    text: str = Field(min_length=1)
    key: int


class Scenario(_Strict):
    id: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1)
    options: tuple[Option, ...]


RATER_GROUPS = ("self", "manager", "peer", "direct_report", "counterpart")
OPEN_QUESTION_IDS = ("keep_doing", "do_differently")


class OpenQuestion(_Strict):
    id: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1)


class RaterForm(_Strict):
    """The 360 form: instructions for raters, and which skills each rater group observes."""

    title: str = Field(min_length=1)
    instructions: str = Field(min_length=1)
    not_observed_label: str = Field(min_length=1)
    groups: dict[str, tuple[str, ...]]
    open_questions: tuple[OpenQuestion, ...] = ()


class Skill(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$")
    name: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    applies_to: str | None = None
    items: tuple[Item, ...]
    scenarios: tuple[Scenario, ...] = ()


class Instrument(_Strict):
    """One questionnaire version: skills with items and scenarios, scale and scoring rules."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(pattern=r"^\d+(\.\d+)*$")
    title: str = Field(min_length=1)
    language: str = Field(min_length=2)
    instructions: str = Field(min_length=1)
    scale: Scale
    scoring: ScoringRules
    scenarios_intro: str = Field(min_length=1)
    scenario_key_status: str = Field(min_length=1)
    scenario_key_version: str = Field(min_length=1, max_length=40)
    applicability_tags: dict[str, str]
    rater_form: RaterForm | None = None
    skills: tuple[Skill, ...]

    @property
    def label(self) -> str:
        """Id and version, as people name it."""
        return f"{self.id} {self.version}"

    def scale_values(self) -> list[int]:
        """The answer values of the frequency scale, lowest first."""
        return [point.value for point in self.scale.points]

    @property
    def skill_ids(self) -> list[str]:
        """Skill ids in questionnaire order."""
        return [skill.id for skill in self.skills]

    def definition_json(self) -> str:
        """The canonical JSON of the whole instrument (what is frozen in the database)."""
        data = self.model_dump(mode="json")
        # Fields added later (issue 22) are left out while unset, so versions frozen before
        # they existed keep their content hash.
        if data.get("rater_form") is None:
            data.pop("rater_form", None)
        for skill in data["skills"]:
            for item in skill["items"]:
                if item.get("observer") is None:
                    item.pop("observer", None)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: any change of meaning changes the hash."""
        import hashlib

        return hashlib.sha256(self.definition_json().encode()).hexdigest()

    @classmethod
    def from_definition_json(cls, text: str) -> Instrument:
        """Rebuild an instrument frozen with definition_json()."""
        return cls.model_validate_json(text)

    def skill(self, skill_id: str) -> Skill:
        """The skill with this id (KeyError when unknown)."""
        return _index(self.skills)[skill_id]

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError when unknown)."""
        return {i.id: i for s in self.skills for i in s.items}[item_id]

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id (KeyError when unknown)."""
        return {x.id: x for s in self.skills for x in s.scenarios}[scenario_id]

    def skill_of_item(self, item_id: str) -> str:
        """The id of the skill an item belongs to."""
        return next(s.id for s in self.skills for i in s.items if i.id == item_id)

    @staticmethod
    def applies(tag: str | None, tags: frozenset[str]) -> bool:
        """An untagged item applies to everyone; a tagged one to profiles with the tag."""
        return tag is None or tag in tags

    def skills_for(self, tags: frozenset[str]) -> list[Skill]:
        """The skills that apply to a profile with these tags."""
        return [s for s in self.skills if self.applies(s.applies_to, tags)]

    def items_for(self, tags: frozenset[str]) -> list[tuple[Skill, Item]]:
        """The (skill, item) pairs shown to and scored for a profile with these tags."""
        return [
            (skill, item)
            for skill in self.skills_for(tags)
            for item in skill.items
            if self.applies(item.applies_to, tags)
        ]

    @property
    def has_rater_form(self) -> bool:
        """True when this version can be used for multi-rater (360) feedback."""
        return self.rater_form is not None

    def observable_skills(self, group: str) -> list[str]:
        """The skill ids a rater group rates, in questionnaire order (none without a form)."""
        if self.rater_form is None:
            return []
        chosen = set(self.rater_form.groups.get(group, ()))
        return [skill_id for skill_id in self.skill_ids if skill_id in chosen]

    def rater_items_for(self, group: str, tags: frozenset[str]) -> list[tuple[Skill, Item]]:
        """The (skill, item) pairs a rater of this group answers about a supervisor whose
        profile has these tags: the skills the group observes, items that apply."""
        chosen = set(self.observable_skills(group))
        return [(skill, item) for skill, item in self.items_for(tags) if skill.id in chosen]

    def scenarios_for(self, tags: frozenset[str]) -> list[tuple[Skill, Scenario]]:
        """The (skill, scenario) pairs for a profile with these tags."""
        return [(skill, sc) for skill in self.skills_for(tags) for sc in skill.scenarios]


def _index(models):
    return {model.id: model for model in models}


class Tip(_Strict):
    title: str = Field(min_length=1, max_length=200)
    action: str = Field(min_length=1)


class _TipsFile(_Strict):
    skills: dict[str, tuple[Tip, ...]]


@dataclass(frozen=True)
class Bank:
    """Every instrument version found in the assessments folder."""

    instruments: tuple[Instrument, ...]

    def current(self, instrument_id: str) -> Instrument:
        """The highest version of an instrument."""
        versions = [i for i in self.instruments if i.id == instrument_id]
        if not versions:
            known = ", ".join(sorted({i.id for i in self.instruments})) or "none"
            raise BankError("assessments", "", f"no instrument '{instrument_id}' (found: {known})")
        return max(versions, key=lambda i: tuple(int(p) for p in i.version.split(".")))


# ---------------------------------------------------------------- loading


def load_instrument(path: Path) -> Instrument:
    """Read and validate one instrument file, or raise BankError."""
    data, root = _read_yaml(path)
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as error:
        first = _most_telling(error)
        raise _error(path, data, root, first["loc"], _pydantic_problem(first)) from None
    problems = _semantic_problems(instrument)
    if problems:
        location, problem = problems[0]
        raise _error(path, data, root, location, problem)
    return instrument


def load_bank(directory: Path) -> Bank:
    """Load every instrument file of a folder; all broken files are reported together."""
    directory = Path(directory)
    files = sorted(p for p in directory.glob("*.yaml") if p.name != TIPS_FILE)
    if not files:
        raise BankError(str(directory), "", "no questionnaire files (*.yaml) in this folder")
    loaded, errors = [], []
    for path in files:
        try:
            loaded.append((path, load_instrument(path)))
        except BankError as error:
            errors.append(error)
    seen: dict[tuple[str, str], Path] = {}
    for path, instrument in loaded:
        key = (instrument.id, instrument.version)
        if key in seen:
            errors.append(
                BankError(
                    _display(path), "version", f"{instrument.label} is also in {seen[key].name}"
                )
            )
        seen[key] = path
    if errors:
        raise errors[0] if len(errors) == 1 else BankErrors(errors)
    return Bank(tuple(instrument for _, instrument in loaded))


def load_tips(path: Path) -> dict[str, tuple[Tip, ...]]:
    """Read the coaching tips library: skill id -> tips."""
    data, root = _read_yaml(path)
    try:
        return _TipsFile.model_validate(data).skills
    except ValidationError as error:
        first = _most_telling(error)
        raise _error(path, data, root, first["loc"], _pydantic_problem(first)) from None


def check_tips_cover(instrument: Instrument, tips: dict[str, tuple[Tip, ...]]) -> None:
    """Raise BankError unless every skill has tips and every tip's skill exists."""
    unknown = sorted(set(tips) - set(instrument.skill_ids))
    missing = [s for s in instrument.skill_ids if not tips.get(s)]
    if unknown:
        raise BankError(TIPS_FILE, "skills", f"unknown skill id(s): {', '.join(unknown)}")
    if missing:
        raise BankError(TIPS_FILE, "skills", f"no tips for skill(s): {', '.join(missing)}")


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    name = _display(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BankError(name, "", "file not found") from None
    except UnicodeDecodeError as error:
        raise BankError(name, "", f"not UTF-8 text (byte {error.start})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise BankError(name, "", f"YAML syntax error: {error.problem}", line) from None
    except yaml.YAMLError as error:
        raise BankError(name, "", f"YAML error: {error}") from None
    if data is None:
        raise BankError(name, "", "the file is empty")
    if not isinstance(data, dict):
        raise BankError(name, "", "the top level must be a mapping of keys to values", 1)
    return data, root


def _display(path: Path) -> str:
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _most_telling(error: ValidationError) -> dict:
    # A misspelt key shows up as an unknown field plus a missing one; the typo is the news.
    errors = error.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def _pydantic_problem(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "this field is missing"
    if kind == "extra_forbidden":
        return "unknown field (a typo?)"
    message = error["msg"]
    return message[0].lower() + message[1:]


def _error(path: Path, data: Any, root: yaml.Node | None, location: Path_, problem: str):
    return BankError(_display(path), _describe(data, location), problem, _line(root, location))


def _describe(data: Any, location: Path_) -> str:
    """skills[3] (OPS) > items[2] (OPS3) > reverse: the place, with ids where there are."""
    parts, node = [], data
    for step in location:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            label = node.get("id") if isinstance(node, dict) else None
            parts[-1] = f"{parts[-1]}[{step}]" + (f" ({label})" if label else "")
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return " > ".join(parts)


def _line(root: yaml.Node | None, location: Path_) -> int | None:
    """The 1-based line of the deepest YAML node on the path that exists."""
    node, line = root, None
    for step in location:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
            if node is None:
                # A missing key: point at the mapping that lacks it.
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _semantic_problems(instrument: Instrument) -> list[tuple[Path_, str]]:
    """Rules beyond field types; each problem with the path of the offending value."""
    problems: list[tuple[Path_, str]] = []
    values = [p.value for p in instrument.scale.points]
    if values != list(range(1, SCALE_POINTS + 1)):
        problems.append((("scale", "points"), f"scale values must be 1 to 5, got {values}"))
    if instrument.scoring.min_valid_skills > len(instrument.skills):
        problems.append(
            (
                ("scoring", "min_valid_skills"),
                f"{instrument.scoring.min_valid_skills} is more than the "
                f"{len(instrument.skills)} skills",
            )
        )
    tags = set(instrument.applicability_tags)
    # A duplicate is reported where it appears the second time: that is the one to fix.
    seen: set[tuple[str, str]] = set()

    def duplicate(kind: str, id_: str) -> bool:
        if (kind, id_) in seen:
            return True
        seen.add((kind, id_))
        return False

    problems.extend(_rater_form_problems(instrument))
    for si, skill in enumerate(instrument.skills):
        here: Path_ = ("skills", si)
        if duplicate("skill", skill.id):
            problems.append(((*here, "id"), f"duplicate skill id '{skill.id}'"))
        if skill.applies_to is not None and skill.applies_to not in tags:
            problems.append(((*here, "applies_to"), _unknown_tag(skill.applies_to, tags)))
        if len(skill.items) < MIN_ITEMS_PER_SKILL:
            problems.append(
                (
                    (*here, "items"),
                    f"skill {skill.id} has {len(skill.items)} items; "
                    f"at least {MIN_ITEMS_PER_SKILL} are needed",
                )
            )
        for ii, item in enumerate(skill.items):
            if duplicate("item", item.id):
                problems.append(((*here, "items", ii, "id"), f"duplicate item id '{item.id}'"))
            if item.applies_to is not None and item.applies_to not in tags:
                problems.append(
                    ((*here, "items", ii, "applies_to"), _unknown_tag(item.applies_to, tags))
                )
        for xi, scenario in enumerate(skill.scenarios):
            where: Path_ = (*here, "scenarios", xi)
            if duplicate("scenario", scenario.id):
                problems.append(((*where, "id"), f"duplicate scenario id '{scenario.id}'"))
            problems.extend(_scenario_problems(where, scenario))
    return problems


def _rater_form_problems(instrument: Instrument) -> list[tuple[Path_, str]]:
    """With a rater form, every item needs an observer wording and every group known skills."""
    form = instrument.rater_form
    if form is None:
        return []
    problems: list[tuple[Path_, str]] = []
    for si, skill in enumerate(instrument.skills):
        for ii, item in enumerate(skill.items):
            if item.observer is None or not item.observer.strip():
                what = "is empty" if item.observer is not None else "is missing"
                problems.append(
                    (
                        ("skills", si, "items", ii, "observer"),
                        f"item {item.id}: the observer wording (what other raters read) {what}",
                    )
                )
    known = set(instrument.skill_ids)
    for group, skills in form.groups.items():
        where: Path_ = ("rater_form", "groups", group)
        if group not in RATER_GROUPS:
            problems.append(
                (where, f"unknown rater group '{group}' (known: {', '.join(RATER_GROUPS)})")
            )
        unknown = [s for s in skills if s not in known]
        if unknown:
            problems.append((where, f"unknown skill id(s) {', '.join(unknown)} for {group}"))
        if not skills:
            problems.append((where, f"rater group {group} rates no skill"))
    missing = [g for g in RATER_GROUPS if g not in form.groups]
    if missing:
        problems.append(
            (("rater_form", "groups"), f"no skills listed for rater group(s) {', '.join(missing)}")
        )
    ids = [q.id for q in form.open_questions]
    if sorted(ids) != sorted(OPEN_QUESTION_IDS):
        problems.append(
            (
                ("rater_form", "open_questions"),
                f"the open questions must be {' and '.join(OPEN_QUESTION_IDS)}, got {ids}",
            )
        )
    return problems


def _scenario_problems(where: Path_, scenario: Scenario) -> list[tuple[Path_, str]]:
    problems: list[tuple[Path_, str]] = []
    option_ids: set[str] = set()
    for oi, option in enumerate(scenario.options):
        if option.id in option_ids:
            problems.append(((*where, "options", oi, "id"), f"duplicate option id '{option.id}'"))
        option_ids.add(option.id)
        if option.key not in SCENARIO_KEYS:
            problems.append(
                ((*where, "options", oi, "key"), f"key {option.key} is not 1, 2, 3 or 4")
            )
    keys = [o.key for o in scenario.options]
    if len(scenario.options) != len(SCENARIO_KEYS):
        problems.append(
            ((*where, "options"), f"a scenario needs 4 options, this one has {len(keys)}")
        )
    for key, meaning in ((4, "best"), (1, "worst")):
        if keys.count(key) != 1:
            problems.append(
                (
                    (*where, "options"),
                    f"exactly one option must be keyed {key} ({meaning}); "
                    f"{keys.count(key)} are (keys {keys})",
                )
            )
    return problems


def _unknown_tag(tag: str, tags: set[str]) -> str:
    return f"unknown applicability tag '{tag}' (known: {', '.join(sorted(tags))})"
