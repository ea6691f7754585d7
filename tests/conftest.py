"""Fixtures shared by every test folder (plain helpers live in ``support.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CORPUS, SEED, require


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return require(CORPUS)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return require(SEED)
