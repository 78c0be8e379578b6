"""公文 elements read from notices, speeches and news pages (SCHEMA.md `Document`)."""
import json

import pytest

from pipeline.runner import Pipeline

from .conftest import SHARED, needs_shared, processed, real_files

FIELDS = ["genre", "title", "doc_number", "issuer", "recipients", "date", "attachments", "cc"]

NOTICE = """
岚财绩〔2024〕27号

关于 2023年度县直单位预算绩效管理工作
综合评价结果的通报

各乡镇人民政府，县直各预算单位：

为深入贯彻落实全面实施预算绩效管理的决策部署，县财政局依据《岚溪县预算绩效管理办法》（岚政发〔2021〕9 号）等相关规定，对县直单位 2023年度预算绩效管理工作进行了综合评价。现将评价情况通报如下。

附件：1.2023年度县直单位预算绩效管理工作综合评价结果表
2.2023年度乡镇预算绩效管理工作评价结果表

岚溪县财政局

2021年3月26日

2024年 5月 8日

抄送：县委办、县政府办，县人大财经委。

岚溪县财政局办公室 2024年 5月 8日印发
"""


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline()


def test_notice_elements(pipeline):
    doc = pipeline.process_text(NOTICE)
    assert doc.genre == "notice"
    assert doc.title == "关于2023年度县直单位预算绩效管理工作综合评价结果的通报"
    assert doc.doc_number == "岚财绩〔2024〕27号"          # the cited 岚政发〔2021〕9 号 is not it
    assert doc.recipients == ["各乡镇人民政府", "县直各预算单位"]
    assert doc.issuer == ["岚溪县财政局"]
    assert doc.attachments == ["2023年度县直单位预算绩效管理工作综合评价结果表",
                               "2023年度乡镇预算绩效管理工作评价结果表"]
    assert doc.cc == ["县委办", "县政府办", "县人大财经委"]
    assert doc.work["printed_by"] == "岚溪县财政局办公室"


def test_two_dates_under_the_signature_keep_the_one_the_content_allows(pipeline):
    doc = pipeline.process_text(NOTICE)
    assert doc.date == "2024-05-08"
    flags = [f for f in doc.flags if f.code == "date_inconsistent"]
    assert len(flags) == 1
    assert doc.raw[flags[0].start:flags[0].end] == "2021年3月26日"


def test_recipients_split_at_the_outer_separator_and_number_in_parentheses(pipeline):
    doc = pipeline.process_text(
        "岚溪县人民政府办公室关于各乡镇政府办公室2023年度工作考评情况的通报\n"
        "(岚政办发[2024]3号)\n"
        "各乡、镇人民政府,县人民政府各工作部门:\n"
        "根据《县人民政府办公室关于印发考核办法的通知》(岚政办发[2023]10号)精神,现将考评情况通报如下:\n"
        "一等奖:\n青石镇人民政府办公室\n")
    assert doc.doc_number == "岚政办发[2024]3号"          # as printed
    assert doc.recipients == ["各乡、镇人民政府", "县人民政府各工作部门"]
    assert doc.issuer == ["岚溪县人民政府办公室"]     # no signature: the office before 关于
    assert doc.date is None


def test_chinese_numeral_date_and_portal_metadata(pipeline):
    doc = pipeline.process_text(
        "- 备注/文号:岚青政〔2025〕8号\n- 发布机构:岚溪县青石镇人民政府\n- 公文生成日期:2025-06-30\n"
        "各村(居)委会:\n6月份,镇整洁办组织人员对各村进行环境卫生督查考评,现将有关情况通报如下:\n")
    assert (doc.doc_number, doc.issuer, doc.date) == ("岚青政〔2025〕8号", ["岚溪县青石镇人民政府"], "2025-06-30")
    assert doc.title is None
    doc = pipeline.process_text(
        "各镇人民政府、街道办事处,区政府各工作部门:\n现将2005年度全区环境卫生专项整治综合考评结果予以通报,"
        "希望受通报的单位继续发扬成绩,精心组织,扎实工作。\n附件:2005年度全区环境卫生专项整治综合考评结果\n"
        "二OO六年二月十六日\n")
    assert doc.date == "2006-02-16"
    assert doc.recipients == ["各镇人民政府、街道办事处", "区政府各工作部门"]
    assert doc.issuer == []


def test_speech_title_is_the_printed_one_after_the_site_title(pipeline):
    doc = pipeline.process_text(
        "社区在创卫表彰大会上的发言\n在全市创建国家卫生城市总结表彰暨全国\n文明城市推进工作会议上的发言\n"
        "尊敬的各位领导:\n大家好。我们将进一步加大环境整治力度,建立点、线、面结合的保洁机制,"
        "强化对公共设施的监督管理。\n")
    assert doc.title == "在全市创建国家卫生城市总结表彰暨全国文明城市推进工作会议上的发言"
    assert doc.issuer == [] and doc.recipients == []


@needs_shared
@pytest.mark.parametrize("sub", ["corpus", "web/corpus"])
def test_real_documents_match_gold_fields(sub):
    gold_dir = SHARED / sub.replace("corpus", "gold")
    for path in real_files(sub):
        doc, _ = processed(str(path))
        gold = json.loads((gold_dir / (path.stem + ".json")).read_text(encoding="utf-8"))
        for field in FIELDS:
            want, got = gold[field], doc[field]
            squash = (lambda v: [x.replace(" ", "") for x in v]) if isinstance(want, list) else (lambda v: v)
            assert squash(got) == squash(want), (path.name, field)


def test_seo_junk_is_kept_out_of_the_title(pipeline):
    doc = pipeline.process_text(
        "白鹭县通报4月份城乡环境卫生开心棋牌官方下载考评结果\n发布时间:2024-05-06 来源:白鹭县融媒体中心\n"
        "本报讯(记者 许文博)5月4日,白鹭县召开城乡环境卫生月度讲评会,通报4月份考评结果,双溪镇、梅林镇位列前两名。\n")
    assert doc.genre == "newspaper"
    assert doc.title == "白鹭县通报4月份城乡环境卫生考评结果"
    assert doc.date == "2024-05-06"


def test_a_papers_date_line_without_a_year(pipeline):
    doc = pipeline.process_text(
        "青川晚报\n\n5月20日 星期一 A2 要闻\n\n三个街道因城管考评排名靠后被约谈\n\n"
        "本报讯(记者 韩雪)5月18日,市城管委召开城市管理工作月度讲评会,通报4月份考评结果,并对排名后三位的街道进行约谈。\n")
    assert doc.genre == "newspaper"
    assert doc.date == "--05-20"          # the story's 5月18日 is not the page's date
    assert doc.title == "三个街道因城管考评排名靠后被约谈"


def test_joint_signature_under_the_date(pipeline):
    doc = pipeline.process_text(
        "关于命名2024年度市级文明单位的通报\n\n各县（市、区）文明委，市直各单位：\n\n"
        "经考核，现将2024年度市级文明单位名单通报如下，希望受到表扬的单位珍惜荣誉、再接再厉。\n\n"
        "2025年1月20日\n\n中共安平市委宣传部　　安平市文明办　　安平市人力资源和社会保障局\n")
    assert doc.issuer == ["中共安平市委宣传部", "安平市文明办", "安平市人力资源和社会保障局"]
    assert doc.date == "2025-01-20"


def test_scan_debris_at_line_starts_is_no_part_of_the_elements(pipeline):
    doc = pipeline.process_text(
        "| 青禾县城市管理局\n|关于9月份市容秩序检査结果的通报\n青城管发〔2024〕8号\n|各乡镇人民政府，县直各单位：\n"
        "　　9月下旬，县城管局对各乡镇市容秩序进行了检查。现将检查结果通报如下：\n"
        "|　　南塘镇、柳溪乡成效明显，得分分别为93.5分、91.0分，位列前两名。\n丨\n"
        "青禾县城市管理局\n|          2024年9月30日\n| - 1 -\n")
    assert doc.title == "关于9月份市容秩序检査结果的通报"   # the 标志 above it, the number under it
    assert doc.recipients == ["各乡镇人民政府", "县直各单位"]
    assert doc.issuer == ["青禾县城市管理局"]
    assert doc.date == "2024-09-30"


def test_a_bare_body_completes_the_item_before_it(pipeline):
    doc = pipeline.process_text(
        "关于上半年全县森林防火工作考核情况的通报\n\n各乡镇党委、政府：\n\n"
        "　　近期，县森林防火指挥部对各乡镇上半年工作进行了考核，现将结果通报如下。\n\n"
        "青禾县森林防火指挥部\n2024年7月2日\n")
    assert doc.recipients == ["各乡镇党委、政府"]
    doc = pipeline.process_text(
        "关于上半年全县森林防火工作考核情况的通报\n\n各乡镇、县直各单位：\n\n"
        "　　近期，县森林防火指挥部对各乡镇上半年工作进行了考核，现将结果通报如下。\n\n"
        "青禾县森林防火指挥部\n2024年7月2日\n")
    assert doc.recipients == ["各乡镇", "县直各单位"]


def test_a_papers_title_is_its_related_lead_story_not_an_unrelated_item_above(pipeline):
    doc = pipeline.process_text(
        "青禾日报 2024年6月3日 星期一 第2版\n\n我市新增2处城市公园\n\n"
        "　　本报讯 6月1日起，城东、城西两处公园对市民开放，方便群众休闲。（记者 高远）\n\n"
        "5月份全市城市管理考评结果公布\n\n"
        "　　本报讯 6月2日，市城管委公布5月份全市城市管理考评结果。南港区以93.8分位居第一，北湖区排名末位。\n"
        "（记者 罗晓梅）\n")
    assert doc.title == "5月份全市城市管理考评结果公布"
    assert {r.unit: r.unit_full for r in doc.records}.get("南港区") == "青禾市南港区"

