"""Run the stages over inputs: one document at a time, every input accounted for."""
from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from typing import Iterable, Iterator

from . import registry
from .model import Document, doc_id_of
from .reader import InputError, read

log = logging.getLogger("tongbao")


@dataclass
class Outcome:
    """What became of one input: a document dict, or an error record."""
    source: str
    document: dict | None = None
    error: dict | None = None


class Pipeline:
    def __init__(self, stages: list[str] | None = None):
        self.stages = registry.build(stages)

    def __call__(self, doc: Document) -> Document:
        for name, stage in self.stages:
            try:
                doc = stage(doc)
            except Exception as exc:  # one stage failing one document must not stop the run
                exc.stage = name  # type: ignore[attr-defined]
                raise
        return doc

    def process_text(self, raw: str, source: str = "<text>") -> Document:
        return self(Document.from_text(raw, source))

    def process_path(self, path: str) -> Outcome:
        try:
            decoded = read(path)
        except InputError as err:
            return Outcome(path, error=error_record(path, err.code, err.message))
        doc = Document(raw=decoded.text, source=path, doc_id=doc_id_of(decoded.data), encoding=decoded.encoding)
        try:
            doc = self(doc)
        except Exception as exc:
            stage = getattr(exc, "stage", "?")
            log.debug("stage %s failed on %s\n%s", stage, path, traceback.format_exc())
            return Outcome(path, error=error_record(
                path, "internal", f"stage '{stage}' failed: {type(exc).__name__}: {exc}", doc.doc_id))
        return Outcome(path, document=doc.to_dict())


def error_record(source: str, code: str, message: str, doc_id: str | None = None) -> dict:
    return {"source": source, "doc_id": doc_id, "code": code, "message": message}


def run(paths: Iterable[str], pipeline: Pipeline | None = None) -> Iterator[Outcome]:
    pipeline = pipeline or Pipeline()
    for path in paths:
        yield pipeline.process_path(path)
