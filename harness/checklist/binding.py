"""The module ``talkqa run`` points pytest at: it binds the checklist features of the spec under test
(``--talkqa-spec``, else our bundled spec).

talkqa's plugin writes (or finds up to date) the features before collection and loads the step library
(``harness.checklist.steps``); this module only asks pytest-bdd to turn every scenario into a test. A spec
without flow sections gives no feature: its checklist is empty (lint says so, TQ006), and the run still
reports. It ships inside harness, so that ``talkqa run`` works from an installed wheel; a project that runs
the checklist under its own pytest keeps a module like it of its own (ours is ``steps/test_checklist.py``).
Import it only under pytest, with talkqa's plugin configured.
"""

from __future__ import annotations

from pytest_bdd import scenarios

from harness.plugin import features_dir

if any(features_dir().glob("*.feature")):
    scenarios(str(features_dir()))
