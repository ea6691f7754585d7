"""The features a checklist run binds: the committed ones under ``features/`` when they match the spec
to the byte, else freshly written ones in a folder named by their content (so every pytest-xdist
worker finds the same files, and a rerun reuses them)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from harness.dataflow.gherkin import check_features, render_features, write_features
from harness.dataflow.model import DataflowDocument

__all__ = ["COMMITTED_FEATURES", "prepare_features"]

COMMITTED_FEATURES = Path(__file__).resolve().parents[2] / "features"


def prepare_features(document: DataflowDocument) -> Path:
    """A folder holding exactly the features ``document`` gives."""
    committed = COMMITTED_FEATURES / Path(document.path).stem
    if committed.is_dir() and not check_features(document, committed):
        return committed
    rendered = render_features(document)
    digest = hashlib.sha256()
    for name in sorted(rendered):
        digest.update(name.encode() + b"\0" + rendered[name].encode() + b"\0")
    folder = Path(tempfile.gettempdir()) / "talkqa-features" / f"{Path(document.path).stem}-{digest.hexdigest()[:16]}"
    if not folder.is_dir() or check_features(document, folder):
        write_features(document, folder)
    return folder
