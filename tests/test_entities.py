"""Entities: people, units, places, dates, document numbers and cited titles, with raw offsets."""
import json

import pytest

from pipeline.runner import Pipeline

from .conftest import ROOT, SHARED, needs_shared, processed, real_files, sample_files

PAGE = """
责任编辑 孙雅 陈立群

青川曰報

第二季度青川市社区专项考评结果公布

本报讯(记者 唐志远)5月9日,青川市召开社区考评讲评会。市委常委、常务副市
长冯志刚出席并讲话,副市长何 佳明主持会议。冯志刚指出,要学习贯彻《青川市文明行为促进条例》(青政发〔2024〕12 号)。

     云溪区桂花社区志愿者清理楼道杂物。郑晓东 摄

■策划 / 林国栋 撰稿 / 孙雅 程浩然

(青川日报记者 欧阳明远 整理)
"""


@pytest.fixture(scope="module")
def page():
    return Pipeline().process_text(PAGE)


def of_type(doc, type_):
    return [e for e in doc.entities if e.type == type_]


def test_persons_from_credits_captions_and_titles(page):
    names = {e.text.replace(" ", "").replace("\n", "") for e in of_type(page, "PERSON")}
    assert names == {"孙雅", "陈立群", "唐志远", "冯志刚", "何佳明", "郑晓东", "林国栋", "程浩然", "欧阳明远"}


def test_a_name_broken_by_a_space_keeps_its_raw_span(page):
    broken = [e for e in of_type(page, "PERSON") if e.text == "何 佳明"]
    assert broken and broken[0].norm == "何佳明"


def test_cited_number_title_and_dates(page):
    assert [(e.text, e.norm) for e in of_type(page, "DOC_NUMBER")] == [("青政发〔2024〕12 号", "青政发〔2024〕12号")]
    assert [e.norm for e in of_type(page, "TITLE_REF")] == ["青川市文明行为促进条例"]
    assert page.doc_number is None
    assert ("5月9日", "--05-09") in [(e.text, e.norm) for e in of_type(page, "DATE")]


def test_every_entity_slices_back(page):
    for e in page.entities:
        assert page.raw[e.start:e.end] == e.text


def test_table_units_are_orgs_with_their_full_name():
    doc = Pipeline().process_text(
        "衡阳市创建全国文明城市工作2023年上半年考核结果通报\n\n各县市区、市直机关各单位：\n\n"
        "现将考核结果通报如下。市民政局要认真整改。\n\n衡阳市创建全国文明城市领导小组办公室\n2023年9月28日\n\n"
        "考核对象\t得分\t排名\n祁东县\t94.26\t1\n市民政局\t93.61\t2\n")
    orgs = {(e.text, e.norm) for e in of_type(doc, "ORG")}
    assert ("祁东县", "衡阳市祁东县") in orgs and ("市民政局", "衡阳市民政局") in orgs
    in_text = [e for e in of_type(doc, "ORG") if e.text == "市民政局"]
    assert len(in_text) == 2  # the row, and the sentence that names it
    assert {e.text for e in of_type(doc, "GPE")} >= {"衡阳市"}


@needs_shared
def test_offsets_slice_back_on_every_document():
    paths = real_files("corpus") + real_files("web/corpus") + sample_files()
    assert paths
    for path in paths:
        doc, raw = processed(str(path))
        for e in doc["entities"]:
            assert raw[e["start"]:e["end"]] == e["text"], (path.name, e)


@needs_shared
@pytest.mark.parametrize("sub,floor", [("corpus", 0.95), ("web/corpus", 0.90)])
def test_gold_persons(sub, floor):
    gold_dir = SHARED / sub.replace("corpus", "gold")
    tp = n_pred = n_gold = 0
    for path in real_files(sub):
        doc, _ = processed(str(path))
        gold = set(json.loads((gold_dir / (path.stem + ".json")).read_text(encoding="utf-8"))["persons"])
        pred = {"".join(e["text"].split()) for e in doc["entities"] if e["type"] == "PERSON"}
        tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    assert 2 * p * r / (p + r) >= floor


def test_build_models_writes_a_user_dictionary_of_table_units(tmp_path):
    from pipeline import build_models
    sample = tmp_path / "n.txt"
    sample.write_text("岚溪县创建全国文明城市工作2024年第一季度考核结果通报\n\n各乡镇、县直机关各单位：\n\n"
                      "根据考核办法，现将考核结果通报如下。\n\n岚溪县创建全国文明城市领导小组办公室\n2024年4月18日\n\n"
                      "考核对象\t得分\t排名\n青石镇\t93.82\t1\n县民政局\t92.67\t2\n", encoding="utf-8")
    out = tmp_path / "units.dict"
    n = build_models.write_dictionary(build_models.collect_units([str(sample)]), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert n == len(lines)
    words = {ln.split()[0]: ln.split()[2] for ln in lines}
    assert {"青石镇", "岚溪县青石镇", "县民政局", "岚溪县民政局", "团市委"} <= set(words)
    assert set(words.values()) == {"nt"}


@needs_shared
def test_tongbao_beats_the_jieba_baseline_clearly():
    import importlib.util
    spec = importlib.util.spec_from_file_location("eval_entities", ROOT / "bench" / "eval_entities.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.evaluate(SHARED / "gold", SHARED / "corpus")
    for kind in ("person", "org"):
        assert result[f"tongbao/{kind}"]["f1"] >= result[f"jieba/{kind}"]["f1"] + 0.3


def test_a_commentary_author_alone_under_its_heading_and_a_labelled_author():
    doc = Pipeline().process_text(
        "云川日报\n2024年9月20日 星期五\n\n我市公布8月份测评结果\n\n本报记者 邓晓峰\n\n"
        "9月19日，市文明办发布8月份全市测评结果，两个区排名靠后被亮黄牌，要求限期整改。\n\n"
        "短评\n“黄牌”是警示更是鞭策\n许晴\n\n文明交通测评排名，排的是名次，考的是作风，各区要把问题当作清单。\n\n"
        "作者：周敏\n")
    names = {e.text for e in of_type(doc, "PERSON")}
    assert {"邓晓峰", "许晴", "周敏"} <= names
    assert "短评" not in names


def test_titled_names_that_close_a_line_and_full_width_punctuation():
    doc = Pipeline().process_text(
        "关于对河口镇开展安全生产约谈的情况通报\n\n各镇人民政府：\n\n现将约谈情况通报如下：\n"
        "　　约谈人：县政府副县长、县安委会副主任 廖文彬\n　　约谈对象：河口镇镇长 钟建华；双溪镇镇长 黎秀梅\n")
    names = {e.text.replace(" ", "") for e in of_type(doc, "PERSON")}
    assert names == {"廖文彬", "钟建华", "黎秀梅"}


def test_traditional_script_values_as_printed_norms_simplified():
    doc = Pipeline().process_text(
        "我縣公佈2023年度農村生活垃圾治理考核結果\n發佈時間:2024-03-15 09:30:12  來源:縣城市管理局\n\n"
        "　　近日，縣領導小組辦公室印發通報。副縣長鄭曉東出席會議並講話，要求各鄉鎮抓好整改。\n")
    assert doc.title == "我縣公佈2023年度農村生活垃圾治理考核結果"
    assert doc.date == "2024-03-15"
    people = [(e.text, e.norm) for e in of_type(doc, "PERSON")]
    assert people == [("鄭曉東", "郑晓东")]


def test_persons_listed_with_their_unit():
    doc = Pipeline().process_text(
        "关于表彰2024年度全县安全生产先进个人的决定\n\n各乡镇人民政府，县直各单位：\n\n"
        "　　经研究，决定对以下同志予以表彰。\n\n先进个人（3名）\n"
        "韩立新（县应急管理局）\n梅晓琳（南塘镇人民政府）\n欧阳春（县交通运输局）\n王家村（村委会）\n南塘镇（2个）\n")
    names = [e.text for e in of_type(doc, "PERSON")]
    assert names == ["韩立新", "梅晓琳", "欧阳春"]
    assert all(doc.raw[e.start:e.end] == e.text for e in of_type(doc, "PERSON"))
