"""Binds the checklist features of the spec under test (``--talkqa-spec``, else our bundled spec).

talkqa's plugin writes (or finds up to date) the features before collection and loads the step
library; this module only asks pytest-bdd to turn every scenario into a test.
"""

from __future__ import annotations

from pytest_bdd import scenarios

from harness.plugin import features_dir

scenarios(str(features_dir()))
