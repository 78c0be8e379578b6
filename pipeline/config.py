"""Declarative settings: every file in configs/ is TOML, loaded once per process.

A user adapts tongbao to another campaign by editing these files (or pointing
TONGBAO_CONFIG_DIR at a copy of the folder), never the code.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import tomllib

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PACKAGE_ROOT / "configs"
MODELS_DIR = PACKAGE_ROOT / "models"


def config_dir() -> Path:
    return Path(os.environ.get("TONGBAO_CONFIG_DIR", DEFAULT_CONFIG_DIR))


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed `configs/NAME.toml`."""
    path = config_dir() / f"{name}.toml"
    with open(path, "rb") as fh:
        return tomllib.load(fh)
