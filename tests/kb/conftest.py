"""Knowledge-base fixtures: an own Chroma folder per test, and the sample documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "practice-kb"


@pytest.fixture(autouse=True)
def _own_chroma(chroma):
    return chroma


@pytest.fixture
def sample_folder(tmp_path) -> Path:
    """A copy of docs/practice-kb the test may change."""
    folder = tmp_path / "kb"
    shutil.copytree(SAMPLE, folder)
    return folder
