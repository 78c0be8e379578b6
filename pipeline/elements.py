"""Stage 'elements' (being built)."""
from __future__ import annotations

from .model import Document
from .registry import register


@register("elements")
def make_elements():
    def elements(doc: Document) -> Document:
        return doc
    return elements
