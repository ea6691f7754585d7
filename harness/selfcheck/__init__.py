"""Proving the checklist can fail: deliberately broken engines (``broken/``) and the self-check run that
runs the checklist against each of them and against the reference engine (``run.py``)."""
