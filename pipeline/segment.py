"""Stage 'segment' (being built)."""
from __future__ import annotations

from .model import Document
from .registry import register


@register("segment")
def make_segment():
    def segment(doc: Document) -> Document:
        return doc
    return segment
