"""talkqa: runs Sesam Talk dataflow documents as QA checklists against mocks of the systems they name."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
