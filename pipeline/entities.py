"""Stage 'entities' (being built)."""
from __future__ import annotations

from .model import Document
from .registry import register


@register("entities")
def make_entities():
    def entities(doc: Document) -> Document:
        return doc
    return entities
