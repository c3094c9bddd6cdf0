"""Babel extraction for the interface catalogs (issue 25): run by `pybabel extract` through
babel.cfg, never by the product.

`extract_tables` gives the ordinary gettext calls of a module (Babel's Python extractor) and
also every text of its named module-level tables: a string constant, a dict's string values
(nested dicts too) and the first string of a tuple value (a page's title in `PAGES`), also where a
table is filled later (`T.update({...})`, `T["x"] = {...}`, `T["x"] |= {...}`). So the
people-facing vocabulary stays plain English data, and an entry another change adds at the
end of a table reaches the catalog without being wrapped."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from babel.messages.extract import extract_python


def _texts(node: ast.AST) -> Iterator[tuple[int, str]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if node.value.strip():
            yield node.lineno, node.value
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _texts(value)
    elif isinstance(node, ast.Tuple) and node.elts:
        yield from _texts(node.elts[0])


def _table(target: ast.AST) -> str | None:
    """The table a target names: `HEADERS`, or the root of `VALUES["group"]`."""
    while isinstance(target, ast.Subscript):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _entries(statement: ast.stmt) -> Iterator[tuple[ast.AST, ast.AST]]:
    """(target, value) pairs of the ways a module fills a table: `T = {...}`, `T: dict = {...}`,
    `T["x"] = {...}`, `T |= {...}`, `T["x"] |= {...}` and `T.update({...})` /
    `T["x"].update({...}, key="...")`. Entries that other changes add at the end of the
    vocabulary use all of these, and their texts are looked up through `_()` all the same."""
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            value = statement.value
            values = value.elts if isinstance(value, ast.Tuple) and len(elements) > 1 else [value]
            yield from zip(elements, values, strict=False)
    elif (isinstance(statement, ast.AnnAssign) and statement.value is not None) or (
        isinstance(statement, ast.AugAssign) and isinstance(statement.op, ast.BitOr)
    ):
        yield statement.target, statement.value
    elif (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr == "update"
    ):
        call = statement.value
        for argument in call.args:
            yield call.func.value, argument
        for keyword in call.keywords:
            yield call.func.value, keyword.value


def extract_tables(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method: gettext calls plus the texts of the `tables` option's names."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    names = set(str(options.get("tables", "")).split())
    tree = ast.parse(source.decode("utf-8") if isinstance(source, bytes) else source)
    for statement in tree.body:
        for target, value in _entries(statement):
            if _table(target) in names:
                for line, text in _texts(value):
                    yield line, None, text, []


def extract_email_templates(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method for leadcoach/messaging/templates.yaml (issue 25): every
    email text, exactly as leadcoach.messaging.templates looks it up (a kind's subject, reason
    and body trimmed, footers as written). Each is a Jinja2 template: a translation keeps its
    {{ values }} and {% tags %}."""
    import yaml

    from leadcoach.messaging.templates import PARTS

    source = yaml.safe_load(fileobj.read())
    yield 1, None, source["footer"], []
    for kind in (source.get("kinds") or {}).values():
        for part in PARTS:
            yield 1, None, kind[part].strip(), []
        if isinstance(kind.get("footer"), str):
            yield 1, None, kind["footer"], []


def extract_kpi_catalogue(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method for leadcoach/programmes/kpi_catalogue.yaml (issue 25): the
    built-in measures' names and descriptions, which leadcoach.programmes.kpis shows in the
    reader's language (a measure HR adds keeps the name HR wrote)."""
    import yaml

    for entry in yaml.safe_load(fileobj.read())["measures"]:
        yield 1, None, entry["name"], []
        if entry.get("description"):
            yield 1, None, entry["description"], []
