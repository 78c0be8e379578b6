"""Stage registry, in the manner of spaCy's component factories.

A stage is a callable `stage(doc) -> doc` with one job.  Modules register a
factory under a name with `@register("name")`; `configs/pipeline.toml` lists the
names in the order they run, so a stage can be replaced or added without
touching the others.
"""
from __future__ import annotations

import importlib
from typing import Callable

from . import config
from .model import Document

Stage = Callable[[Document], Document]
FACTORIES: dict[str, Callable[[], Stage]] = {}



def register(name: str):
    def wrap(factory: Callable[[], Stage]):
        FACTORIES[name] = factory
        return factory
    return wrap


def _import_stage_modules(names: list[str]) -> None:
    """A built-in stage NAME is registered by the module pipeline/NAME.py."""
    for name in names:
        if name in FACTORIES:
            continue
        try:
            importlib.import_module(f"pipeline.{name}")
        except ModuleNotFoundError as exc:  # not a built-in: registered by the user's own code
            if exc.name != f"pipeline.{name}":
                raise


def build(names: list[str] | None = None) -> list[tuple[str, Stage]]:
    """The configured stages, instantiated, as (name, callable) pairs."""
    if names is None:
        names = config.load("pipeline")["stages"]
    _import_stage_modules(names)
    missing = [n for n in names if n not in FACTORIES]
    if missing:
        raise KeyError(f"unknown stage(s) {missing}; registered: {sorted(FACTORIES)}")
    return [(n, FACTORIES[n]()) for n in names]
