"""Decoding: UTF-8 with or without BOM, GB18030/GBK/GB2312 through the detector,
UTF-16/32 with a BOM; and a re-encoded copy of a document gives the same result."""
from __future__ import annotations

import codecs

import pytest

from pipeline.reader import InputError, decode

from .conftest import processed, real_files, sample_files

TEXT = ("关于2024年第一季度考核结果的通报\n各县市区、市直机关各单位：\n"
        "考核对象\t得分\t排名\n明山县\t93.82\t1\n岚溪县\t90.48\t2\n"
        "附件：1.考核结果\n市创建办\n2024年4月18日\n")


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16-le"),  # Python writes a little-endian BOM
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("utf-32"), "utf-32-le"),
    (TEXT.encode("gb2312"), "gb2312"),
    ((TEXT + "镕").encode("gbk"), "gbk"),           # 镕 is in GBK, not in GB2312
    ((TEXT + "𠀀").encode("gb18030"), "gb18030"),   # outside the BMP: GB18030 only
], ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32", "gb2312", "gbk", "gb18030"])
def test_decodes_and_records_the_encoding(data, encoding):
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text.rstrip("镕𠀀") == TEXT
    assert decoded.data == data


def test_crlf_is_kept_as_read():
    assert decode("甲\r\n乙\r\n".encode("gbk")).text == "甲\r\n乙\r\n"


@pytest.mark.parametrize("line", ["措施。", "理科。", "后）：", "二、村居考核结果", "第一名:长连屋村 第二名:新斗门村",
                                  "| 灵 昆 镇 | 79.19 | 1 |"])
def test_short_gbk_lines_are_not_taken_for_big5_or_korean(line):
    decoded = decode(line.encode("gbk"))
    assert decoded.text == line
    assert decoded.encoding in ("gb2312", "gbk")


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_character_cut_off_at_the_end_becomes_a_replacement_character(encoding):
    data = TEXT.rstrip("\n").encode(encoding)[:-1]  # half of the last 日
    decoded = decode(data)
    assert decoded.text == TEXT.rstrip("\n")[:-1] + "\ufffd"


@pytest.mark.parametrize("text", ["峒", "abc 峒"])
def test_gb_bytes_that_look_like_cut_utf8_are_gb(text):
    """峒 is E1 BC in GBK: the start of a three-byte UTF-8 character cut short."""
    decoded = decode(text.encode("gbk"))
    assert decoded.text == text and decoded.encoding in ("gb2312", "gbk")


@pytest.mark.parametrize("data", [
    b"abc\xff\xfe\xfd more bytes \xff\x80\x81",      # no candidate decodes it
    "Ærøskøbing café, naïve façade".encode("latin-1"),  # Latin-1 is not a candidate
], ids=["invalid", "latin-1"])
def test_undecodable_bytes_are_an_error_that_says_why(data):
    with pytest.raises(InputError) as err:
        decode(data)
    assert err.value.code == "undecodable"
    assert "not UTF-8" in err.value.message and "offset" in err.value.message


def test_an_invalid_byte_after_a_bom_is_undecodable():
    with pytest.raises(InputError) as err:
        decode(codecs.BOM_UTF8 + "甲乙".encode("utf-8") + b"\xff\xfe" + "丙".encode("utf-8"))
    assert err.value.code == "undecodable"


def test_utf16_without_a_bom_is_not_read_as_text():
    with pytest.raises(InputError) as err:
        decode(TEXT.encode("utf-16-le"))
    assert err.value.code == "binary" and "byte-order mark" in err.value.message


# -- a re-encoded copy of each document is processed exactly like the original --------

DOCUMENTS = real_files("corpus") + real_files("web/corpus") + sample_files()
SAME = ["genre", "title", "doc_number", "issuer", "recipients", "date", "attachments", "cc",
        "sections", "records", "entities", "commitments", "flags"]


def legacy_encoding(text: str) -> str:
    """GBK, as old government sites serve it; GB18030 when a character is outside GBK."""
    try:
        text.encode("gbk")
        return "gbk"
    except UnicodeEncodeError:
        return "gb18030"


# GB copies of every document; UTF-16 (a byte-order mark, then nothing to detect)
# of a few, to keep the suite's time down
COPIES = [(p, "legacy") for p in DOCUMENTS] + [(p, "utf-16") for p in DOCUMENTS[:5]]


@pytest.mark.parametrize("path, target", COPIES, ids=[f"{t}-{p.name}" for p, t in COPIES])
def test_a_reencoded_copy_gives_the_same_document(path, target, tmp_path, pipeline):
    original, raw = processed(str(path))
    encoding = legacy_encoding(raw) if target == "legacy" else "utf-16"
    copy = tmp_path / path.name
    copy.write_bytes(raw.encode(encoding))
    outcome = pipeline.process_path(str(copy))
    assert outcome.error is None, outcome.error
    doc = outcome.document
    assert doc["encoding"] in (("gb2312", "gbk", "gb18030") if target == "legacy" else ("utf-16-le",))
    for key in SAME:
        assert doc[key] == original[key], key


def test_there_are_documents_to_reencode():
    assert len(sample_files()) >= 4


# -- text in an encoding that is not read: an error naming it, never mojibake ---------

KOREAN = "대한민국 정부는 2024년 1분기 평가 결과를 다음과 같이 발표합니다. 각 기관은 개선 계획을 제출하십시오.\n"
JAPANESE = "これは日本語のテキストです。評価結果を通知します。各部門は改善計画を提出してください。\n"
TRADITIONAL = "關於第一季度考核結果的通報\n各縣市區、市直機關各單位：現將考核結果通報如下。請對照問題清單逐項整改。\n"


@pytest.mark.parametrize("text, encoding, named", [
    (KOREAN, "euc_kr", "Korean"),
    (JAPANESE, "shift_jis", "Japanese"),
    (JAPANESE, "euc_jp", "Japanese"),
    (TRADITIONAL, "big5", "Big5"),
], ids=["euc-kr", "shift-jis", "euc-jp", "big5"])
def test_a_rival_cjk_encoding_is_named_not_misread_as_gb(text, encoding, named):
    data = (text * 6).encode(encoding)
    assert len(data) >= 512
    data.decode("gb18030")  # GB18030 alone would "decode" it, into nonsense
    with pytest.raises(InputError) as err:
        decode(data)
    assert err.value.code == "undecodable" and named in err.value.message
