"""Stage 'checks' (being built)."""
from __future__ import annotations

from .model import Document
from .registry import register


@register("checks")
def make_checks():
    def checks(doc: Document) -> Document:
        return doc
    return checks
