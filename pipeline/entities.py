"""Stage 'entities' (being built)."""
from __future__ import annotations

from . import units  # noqa: F401  (registers the "units" stage, whose full names entities use)
from .model import Document
from .registry import register


@register("entities")
def make_entities():
    def entities(doc: Document) -> Document:
        return doc
    return entities
