"""Binds the checklist features of the spec under test (``--talkqa-spec``, else our bundled spec).

talkqa's plugin writes (or finds up to date) the features before collection and loads the step
library (``harness.checklist.steps``); this module only asks pytest-bdd to turn every scenario into a
test. A spec without flow sections gives no feature: its checklist is empty (lint says so, TQ006), and
the run still reports. It is this project's own binding, as any project would write it (``pytest steps
--talkqa-spec my-spec.rst``); ``talkqa run`` runs the one that ships with harness,
``harness/checklist/binding.py``.
"""

from __future__ import annotations

from pytest_bdd import scenarios

from harness.plugin import features_dir

if any(features_dir().glob("*.feature")):
    scenarios(str(features_dir()))
