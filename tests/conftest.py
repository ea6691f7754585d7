"""Shared test helpers: where the read-only reference material lives, and skipping without it."""

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


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return require(CORPUS)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return require(SEED)
