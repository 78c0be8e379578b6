"""tongbao as a component of a blank spaCy `zh` pipeline."""
from __future__ import annotations

import spacy

import pipeline.spacy_zh  # noqa: F401  registers the factory

TEXT = ("关于2024年第一季度创建工作考评结果的通报\n\n各县市区：\n\n现将考评结果通报如下。\n\n"
        "考核对象\t得分\t排名\n云溪区\t93.5\t1\n望江区\t91.2\t2\n")


def test_blank_zh_pipeline_carries_sections_and_the_output_document():
    nlp = spacy.blank("zh")
    nlp.add_pipe("tongbao")
    doc = nlp(TEXT)
    labels = [s.label_ for s in doc.spans["sections"]]
    assert labels == [s["type"] for s in doc._.tongbao["sections"]]
    assert "table" in labels
    table = next(s for s in doc.spans["sections"] if s.label_ == "table")
    assert table.text.startswith("考核对象")
    for ent in doc.ents:
        assert TEXT[ent.start_char:ent.end_char] == ent.text
