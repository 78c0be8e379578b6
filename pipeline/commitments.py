"""Stage 'commitments' (being built)."""
from __future__ import annotations

from .model import Document
from .registry import register


@register("commitments")
def make_commitments():
    def commitments(doc: Document) -> Document:
        return doc
    return commitments
