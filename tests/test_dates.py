"""Dates and periods to ISO, with spans that slice back to the printed text."""
import pytest

from pipeline import dates


@pytest.mark.parametrize("text,norm", [
    ("2023年9月28日", "2023-09-28"),
    ("2025年 4月 1日", "2025-04-01"),
    ("二〇二三年九月二十八日", "2023-09-28"),
    ("二OO六年二月十六日", "2006-02-16"),
    ("2018年5月25", "2018-05-25"),
    ("2021-03-25", "2021-03-25"),
    ("2023年上半年", "2023-H1"),
    ("2024年下半年", "2024-H2"),
    ("2024年度", "2024"),
    ("2018年5月", "2018-05"),
    ("2006年12月18日至22日", "2006-12-18/2006-12-22"),
])
def test_parse_printed_forms(text, norm):
    assert dates.parse(text) == norm


def test_month_day_takes_the_documents_year_or_stays_open():
    assert dates.parse("3月2日", year=2023) == "2023-03-02"
    assert dates.parse("3月2日") == "--03-02"
    assert dates.parse("4月15日至18日") == "--04-15/--04-18"
    assert dates.parse("11月28日-12月2日", year=2016) == "2016-11-28/2016-12-02"


def test_quarter_needs_a_year():
    assert dates.parse("第二季度", year=2023) == "2023-Q2"
    assert dates.parse("2024年第一季度") == "2024-Q1"
    assert dates.parse("第二季度") is None


def test_find_spans_slice_back_and_skip_document_numbers():
    text = "根据衡创〔2023〕3号，4月27 日召开会议，2023 年上半年考核，得分 80-90分。"
    found = dates.find(text, year=2023)
    assert [(text[f.start:f.end], f.norm) for f in found] == [
        ("4月27 日", "2023-04-27"), ("2023 年上半年", "2023-H1")]


def test_impossible_dates_are_not_dates():
    assert dates.parse("2023年13月40日") is None
    assert dates.find("第1234年") == []


def test_main_year_is_the_most_printed():
    assert dates.main_year("2023年是收官之年。2023年3月2日，2022年12月") == 2023
    assert dates.main_year("没有年份") is None
