"""``checklist.json``: the run report as data for trends and other tools — ``RunReport.to_json()``.

The document holds at least ``spec`` (``path``, ``title``), ``seed`` (the ``--seed`` of the run; every
derived seed is under ``seeds``), ``sut``, ``sections`` (``title``, ``line``, and ``items`` with ``name``,
``status``, ``line``, ``reason``, ``duration_s``), ``findings``, ``assumed_mappings`` and ``summary``
(``passed``, ``failed``, ``pending``, ``skipped``). Status is one of ``passed``, ``failed``, ``pending``,
``skipped``, as in the model. ``RunReport.from_json`` reads the file back, so worker reports merge.
"""

from __future__ import annotations

import json

from harness.report.model import RunReport

__all__ = ["render_json"]


def render_json(report: RunReport) -> str:
    """The whole ``checklist.json`` text: indented, UTF-8 as is, keys in a stable order."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
