"""Declarative settings: every file in configs/ is TOML, loaded once per process.

A user adapts tongbao to another campaign by editing these files (or pointing
TONGBAO_CONFIG_DIR at a copy of the folder), never the code.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import tomllib

_CHECKOUT = Path(__file__).resolve().parent.parent
# a checkout (and its editable install) has configs/ beside pipeline/; an installed wheel (the
# compiled build: `make compiled`) its copy in <prefix>/share/tongbao
PACKAGE_ROOT = _CHECKOUT if (_CHECKOUT / "configs").is_dir() else Path(sys.prefix) / "share" / "tongbao"
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
