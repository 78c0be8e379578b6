"""tongbao inside spaCy: a blank `zh` pipeline with tongbao as a component.

    import spacy, pipeline.spacy_zh  # registers the factory
    nlp = spacy.blank("zh")          # character segmentation, nothing downloaded
    nlp.add_pipe("tongbao")
    doc = nlp(text)
    doc.spans["sections"]            # one span per section, label = section type
    doc.ents                         # tongbao's entities that align with tokens
    doc._.tongbao                    # the full output document (SCHEMA.md)

Offsets are the same as in documents.jsonl because spaCy's `char_span` works on the
same code points.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .runner import Pipeline

if not Doc.has_extension("tongbao"):
    Doc.set_extension("tongbao", default=None)


class TongbaoComponent:
    def __init__(self, stages: list[str] | None = None):
        self.pipeline = Pipeline(stages)

    def __call__(self, doc: Doc) -> Doc:
        out = self.pipeline.process_text(doc.text, "<spacy>").to_dict()
        doc._.tongbao = out
        sections = []
        for s in out["sections"]:
            span = doc.char_span(s["start"], s["end"], label=s["type"], alignment_mode="expand")
            if span is not None:
                sections.append(span)
        doc.spans["sections"] = sections
        ents, taken = [], set[int]()
        for e in sorted(out["entities"], key=lambda e: (e["start"], -(e["end"] - e["start"]))):
            span = doc.char_span(e["start"], e["end"], label=e["type"])
            if span is None or taken & set(range(span.start, span.end)):
                continue
            taken.update(range(span.start, span.end))
            ents.append(span)
        doc.ents = ents
        return doc


@Language.factory("tongbao", default_config={"stages": None})
def make_tongbao(nlp: Language, name: str, stages: list[str] | None):
    return TongbaoComponent(stages)
