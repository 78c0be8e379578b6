"""Shared fixtures: the pipeline, and the real documents of ../shared when present."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from pipeline.runner import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = ROOT / "corpora"


def real_files(sub: str = "corpus") -> list[Path]:
    return sorted((SHARED / sub).glob("*.txt")) if (SHARED / sub).is_dir() else []


def sample_files() -> list[Path]:
    return sorted(CORPORA.rglob("*.txt"))


@functools.lru_cache(maxsize=None)
def _pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return _pipeline()


@functools.lru_cache(maxsize=None)
def processed(path: str) -> tuple[dict, str]:
    """(output document, raw text) of one file, computed once per test session."""
    outcome = _pipeline().process_path(path)
    assert outcome.error is None, outcome.error
    raw = Path(path).read_bytes().decode("utf-8-sig")
    return outcome.document, raw


needs_shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared not present")
