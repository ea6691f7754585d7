"""Paths and helpers shared by the test folders: ``from support import FIXTURES, require``.

Kept out of ``conftest.py`` on purpose: every test folder may have its own ``conftest.py``, and
importing from one of them by name would pick whichever was imported last.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: ../shared beside the checkout (or TALKQA_SHARED): the corpus, the seed and the reference facts.
SHARED = Path(os.environ.get("TALKQA_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "technical"
SEED = SHARED / "seed" / "000_12e07f213acf60b6.txt"
FIXTURES = ROOT / "fixtures"


def require(path: Path) -> Path:
    """Skip the calling test, saying why, when a piece of ../shared is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared reference material (../shared)")
    return path
