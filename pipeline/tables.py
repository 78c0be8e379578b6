"""Stage 'tables' (being built)."""
from __future__ import annotations

from .model import Document
from .registry import register


@register("tables")
def make_tables():
    def tables(doc: Document) -> Document:
        return doc
    return tables
