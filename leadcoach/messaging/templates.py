"""The texts of emails, read from templates.yaml and filled with Jinja2 (plain text)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from leadcoach.messaging.kinds import Kind

TEMPLATES_FILE = Path(__file__).with_name("templates.yaml")
PARTS = ("subject", "why", "body")


class TemplateError(Exception):
    """templates.yaml is missing a kind or a part, or a template cannot be filled."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@dataclass(frozen=True)
class _Kind:
    subject: jinja2.Template
    why: jinja2.Template
    body: jinja2.Template


class Templates:
    """Every kind's subject, reason and body, compiled once."""

    def __init__(self, source: dict[str, Any]):
        # StrictUndefined: a value missing from a message fails loudly instead of leaving a gap;
        # no autoescape: the emails are plain text.
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
        )
        kinds = source.get("kinds") or {}
        missing = [
            f"{kind.value}.{part}"
            for kind in Kind
            for part in PARTS
            if not isinstance((kinds.get(kind.value) or {}).get(part), str)
        ]
        if missing or not isinstance(source.get("footer"), str):
            raise TemplateError(
                f"{TEMPLATES_FILE.name}: missing " + ", ".join(missing or ["footer"])
            )
        self._footer = env.from_string(source["footer"])
        # A kind may bring its own footer (rater emails, issue 22: raters have no settings).
        self._footers = {
            kind: env.from_string(kinds[kind.value]["footer"])
            for kind in Kind
            if isinstance(kinds[kind.value].get("footer"), str)
        }
        self._kinds = {
            kind: _Kind(*(env.from_string(kinds[kind.value][part].strip()) for part in PARTS))
            for kind in Kind
        }

    def subject(self, kind: Kind, values: dict[str, Any]) -> str:
        """The subject line, on one line."""
        return " ".join(self._kinds[kind].subject.render(values).split())[:300]

    def render(self, kind: Kind, values: dict[str, Any]) -> Rendered:
        """Subject and body with the footer (values must include link and stop_link)."""
        parts = self._kinds[kind]
        why = " ".join(parts.why.render(values).split())
        footer = self._footers.get(kind, self._footer)
        body = parts.body.render(values).rstrip() + "\n" + footer.render(values, why=why)
        return Rendered(self.subject(kind, values), body)


@functools.cache
def templates() -> Templates:
    """The shipped templates, read and checked once per process."""
    return Templates(yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8")))
