"""This project's own binding of the checklist's features (``test_checklist.py``), as a project that runs
talkqa's checklist under its own pytest would have one; talkqa's step library ships in harness
(``harness.checklist.steps``) and is not part of this folder."""
