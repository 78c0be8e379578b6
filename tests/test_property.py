"""Property: whatever text comes in, in whatever supported encoding, the whole
pipeline (reader, then every stage) never raises, and its output keeps every
invariant of SCHEMA.md (`schema.problems` with the raw text: the JSON Schema,
sections tiling the text, entities slicing back, spans inside the text, record
and commitment section ids) and serialises to strict JSON.

Inputs: arbitrary Unicode; soups of the tokens official documents are made of;
and real texts (the samples, and ../shared when present) cut to a window of
lines and mutated: lines deleted, duplicated or joined, table columns swapped,
OCR noise inserted, the text cut off mid-line, Windows line ends.

Examples per run: 2,000 by default (`make test`); TONGBAO_HYPOTHESIS_PROFILE=quick
for 200, =long for 20,000.
"""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from pipeline.model import Document, doc_id_of
from pipeline.reader import InputError, decode
from pipeline.schema import problems

from .conftest import _pipeline, real_files, sample_files

_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("tongbao", max_examples=2000, **_COMMON)
settings.register_profile("quick", max_examples=200, **_COMMON)
settings.register_profile("long", max_examples=20_000, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("TONGBAO_HYPOTHESIS_PROFILE", "tongbao"))

SEEDS = [p.read_text(encoding="utf-8") for p in sample_files() + real_files("corpus") + real_files("web/corpus")]

# the characters and pieces notices, tables and newspaper pages are made of
DOC_CHARS = ("的一是在了市县区镇街道局委办通报考核结果排名得分红旗黄旗榜单位名称序号附件抄送印发"
             "年月日第季度上下半合计总分优秀良好合格差承诺表态发言将要我们下一步整改落实摄记者报版"
             "０１２３４５６７８９0123456789.．、，。：；！？（）()〔〕[]《》“”★▲☆△●■□—-|+ \t\n\r\u3000\f")
TOKENS = ["通报", "关于", "的通知", "\n", "\n\n", "\r\n", "\t", "\t\t", "  ", "      ", "\u3000\u3000",
          "一、", "二、", "（一）", "(二)", "1.", "2．", "附件：", "附件1", "附件：1.", "第一名", "第十三名", "排名",
          "得分", "总分", "考核对象", "单位名称", "序号", "红旗", "黄旗", "红榜", "黑榜", "优秀", "★", "▲", "☆",
          "93.82", "100", "0", "85.5", "-", "—", "|", "| --- |", "---", "〔2024〕5号", "〔2023〕", "青创",
          "2024年4月18日", "4月", "18日", "2025年", "市民政局", "县", "区人民政府", "各县市区、", "市直机关各单位：",
          "：", "，", "。", "；", "（", "）", "(", ")", "《", "》", "“", "”", "表态发言", "郑重承诺", "我们将",
          "下一步", "要", "将", "抄送：", "印发", "摄", "记者", "本报讯", "第3版", "责任编辑", "日报", "合计",
          "共", "个", "名", "备注", "注：", "标", "为", "说明", "社区", "街道", "镇", "乡", "村", "高新区", "办公室",
          "领导小组", "创建全国文明城市", "工作", "季度", "上半年", "考评", "暗访", "问题", "整改", "书记", "同志"]
OCR_NOISE = list("丨|lI1!口囗□■·•・…'`~^_=＿￣〓\ufffd\u200b\x0c") + ["\u3000", "  ", "\t"]


@st.composite
def mutated_real_text(draw) -> str:
    seed = draw(st.sampled_from(SEEDS))
    lines = seed.split("\n")
    start = draw(st.integers(0, max(0, len(lines) - 1)))
    lines = lines[start:start + draw(st.integers(1, 16))]
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "join", "swap_columns", "noise", "cut"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + lines[i + 1]]
        elif op == "swap_columns":
            sep = "\t" if "\t" in lines[i] else " "
            cells = lines[i].split(sep)
            lines[i] = sep.join(draw(st.permutations(cells)))
        elif op == "noise":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + "".join(draw(st.lists(st.sampled_from(OCR_NOISE), min_size=1,
                                                              max_size=4))) + lines[i][pos:]
        elif op == "cut":
            lines = lines[:i] + [lines[i][:draw(st.integers(0, len(lines[i])))]]
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)  # as saved on Unix or on Windows


arbitrary_text = st.text(st.one_of(st.sampled_from(DOC_CHARS), st.characters(codec="utf-8")), max_size=120)
token_soup = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
texts = st.one_of(arbitrary_text, token_soup, mutated_real_text())


@st.composite
def encoded(draw) -> tuple[str, str, bytes]:
    text = draw(texts)
    encodings = ["utf-8", "utf-8-sig"]
    if not text.startswith("\x00"):  # FF FE 00 00 is the UTF-32 byte-order mark
        encodings.append("utf-16")
    if "\ufffd" not in text and not any(ord(c) < 32 and c not in "\t\n\r\x0b\x0c" for c in text):
        encodings.append("gb18030")
    encoding = draw(st.sampled_from(encodings))
    data = text.encode(encoding)
    if encoding == "gb18030":
        # a few GB characters are also valid UTF-8 (同 is CD AC, UTF-8 for U+036C); valid
        # UTF-8 is read as UTF-8, as by every detector: only a short text can be both
        assume(not _is_utf8(data))
    return text, encoding, data


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def check_whole_pipeline(text: str, encoding: str, data: bytes) -> None:
    # a BOM at the start of the text is read as the file's byte-order mark and stripped
    expected = text[1:] if encoding == "utf-8" and text.startswith("\ufeff") else text
    try:
        decoded = decode(data)
    except InputError as err:
        event(f"reader: {err.code}")
        assert err.code in ("empty", "binary", "undecodable"), err
        if err.code == "empty":
            assert not expected.strip()
        else:  # only text without a byte-order mark is sniffed and detected
            assert encoding in ("utf-8", "gb18030"), err
        return
    assert decoded.text == expected
    doc = Document(raw=decoded.text, source="<property>", doc_id=doc_id_of(data), encoding=decoded.encoding)
    out = _pipeline()(doc).to_dict()
    assert problems(out, decoded.text) == []
    assert out["sections"], "a non-empty text has sections"
    assert json.loads(json.dumps(out, ensure_ascii=False, allow_nan=False)) == out


@PROFILE
@given(encoded())
def test_the_pipeline_never_raises_and_keeps_the_contract(case):
    check_whole_pipeline(*case)


def test_there_are_real_texts_to_mutate():
    assert SEEDS


@settings(PROFILE, max_examples=max(100, PROFILE.max_examples // 4))
@given(mutated_real_text())
def test_a_gb_copy_of_real_text_decodes_back_exactly(text):
    """Old sites serve GBK: real text, however damaged, comes back character for character."""
    data = text.encode("gb18030")
    assume(text.strip() and not _is_utf8(data))
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding in ("gb2312", "gbk", "gb18030")


# -- minimal inputs the property found, kept as plain regression tests ---------------

@pytest.mark.parametrize("text", ["0" * 77 + ": 0", "0" * 71 + "! 0000000"], ids=["colon", "exclamation"])
def test_a_long_line_cut_after_punctuation_still_tiles(text):
    """Found by the property (stage `segment`): a paragraph of 80+ characters cut
    after `: ` or `! ` (configs/sections.toml inline_heading) whose second piece
    looks like furniture (a bare number) had that piece's start moved back to the
    paragraph start, so s1 was empty (0, 0) and s2 overlapped it
    (segment_units.make_units, "furniture keeps its bullet")."""
    check_whole_pipeline(text, "utf-8", text.encode("utf-8"))
