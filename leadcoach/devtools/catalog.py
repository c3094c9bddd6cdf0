"""Babel extraction for the interface catalogs (issue 25): run by `pybabel extract` through
babel.cfg, never by the product.

`extract_tables` gives the ordinary gettext calls of a module (Babel's Python extractor) and
also every text of its named module-level tables: a string constant, a dict's string values
(nested dicts too) and the first string of a tuple value (a page's title in `PAGES`). So the
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


def extract_tables(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method: gettext calls plus the texts of the `tables` option's names."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    names = set(str(options.get("tables", "")).split())
    tree = ast.parse(source.decode("utf-8") if isinstance(source, bytes) else source)
    for statement in tree.body:
        targets = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
            value = statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            values = value.elts if isinstance(value, ast.Tuple) and len(elements) > 1 else [value]
            for element, element_value in zip(elements, values, strict=False):
                if isinstance(element, ast.Name) and element.id in names:
                    for line, text in _texts(element_value):
                        yield line, None, text, []
