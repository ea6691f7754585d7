"""``checklist.json``: the run report as data for trends and other tools — ``RunReport.to_json()``.

The document holds at least ``spec`` (``path``, ``title``), ``seed`` (the ``--seed`` of the run; every
derived seed is under ``seeds``), ``sut``, ``sections`` (``title``, ``line``, and ``items`` with ``name``,
``status``, ``line``, ``reason``, ``duration_s``, ``lint_errors``, and ``steps`` whose status may also be
``not_run``; and each section's ``excerpt`` of spec lines), ``findings``, ``assumed_mappings``, ``summary``
(``passed``, ``failed``, ``error``, ``pending``, ``skipped``), ``exit_code`` with its one-line ``verdict``,
``interrupted`` and ``planned``, and ``replay`` with ``examples``, ``markers`` and ``keywords``. Status is
one of ``passed``, ``failed``, ``error`` (the scenario could not be set up), ``pending``, ``skipped``, as
in the model. ``RunReport.from_json`` reads the file back, so worker reports merge.
"""

from __future__ import annotations

import json

from harness.report.model import RunReport

__all__ = ["render_json"]


def render_json(report: RunReport) -> str:
    """The whole ``checklist.json`` text: indented, UTF-8 as is, keys in a stable order."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
