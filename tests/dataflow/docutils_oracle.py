"""docutils as the oracle of the spec parser: what a real reStructuredText parser sees in a document.

Only the tests use it. ``sections_of`` runs docutils' RST parser (no transforms: the doctree as parsed)
and returns, for every flow section, its title and the body rows of the list-tables directly in it.
A list-table that holds only its header row is an error to docutils (it needs body data) and gives
no table, which agrees with such a table giving no rows. ``sections_of_all`` spreads the corpus over
the machine's cores, because docutils needs about 18 s of CPU for it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

#: (section title, [(column count, [body row cells, ...]), ...]) per flow section, in document order
DocutilsSections = list[tuple[str, list[tuple[int, list[list[str]]]]]]


def sections_of(path: str) -> DocutilsSections:
    parser = Parser()
    settings = get_default_settings(Parser)
    settings.report_level = 5  # silent: the oracle reports through its result, not on stderr
    settings.halt_level = 5
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    document = new_document(path, settings)
    parser.parse(text, document)
    out: DocutilsSections = []
    for section in document.findall(nodes.section):
        title = section[0].astext()
        if section.parent is document or title.rstrip(".") == "Introduction":
            continue  # the document title and the introduction are no flow sections
        tables: list[tuple[int, list[list[str]]]] = []
        for child in section.children:
            if not isinstance(child, nodes.table):
                continue
            group = next(iter(child.findall(nodes.tgroup)))
            rows = [
                [entry.astext() for entry in row.findall(nodes.entry)]
                for body in group.findall(nodes.tbody)
                for row in body.findall(nodes.row)
            ]
            tables.append((int(group["cols"]), rows))
        out.append((title, tables))
    return out


def sections_of_all(paths: Sequence[str]) -> dict[str, DocutilsSections]:
    """``sections_of`` for every path, in parallel over the machine's cores."""
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return dict(zip(paths, pool.map(sections_of, paths, chunksize=16), strict=True))
