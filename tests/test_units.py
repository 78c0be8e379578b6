"""Full unit names: the region made explicit from the document's context."""
import json

import pytest

from pipeline import units
from pipeline.model import Document
from pipeline.runner import Pipeline

from .conftest import SHARED, needs_shared, processed, real_files


def doc_issued_by(*issuer: str, title: str | None = None, text: str = "") -> Document:
    doc = Document.from_text(text)
    doc.issuer, doc.title = list(issuer), title
    doc.work["view"] = text
    return doc


@pytest.mark.parametrize("issuer,unit,full", [
    ("衡阳市创建全国文明城市领导小组办公室", "市民政局", "衡阳市民政局"),
    ("衡阳市创建全国文明城市领导小组办公室", "市市场监督管理局", "衡阳市市场监督管理局"),
    ("衡阳市创建全国文明城市领导小组办公室", "祁东县", "衡阳市祁东县"),
    ("衡阳市创建全国文明城市领导小组办公室", "衡阳县", "衡阳市衡阳县"),
    ("衡阳市创建全国文明城市领导小组办公室", "高新区", "衡阳市高新区"),
    ("衡阳市创建全国文明城市领导小组办公室", "省农信社衡阳办事处", "湖南省农信社衡阳办事处"),
    ("衡阳市创建全国文明城市领导小组办公室", "南华大学附属第一医院", "南华大学附属第一医院"),
    ("衡阳市创建全国文明城市领导小组办公室", "南岳机场有限公司", "南岳机场有限公司"),
    ("衡阳市创建全国文明城市领导小组办公室", "衡阳警备区政治工作处", "衡阳警备区政治工作处"),
    ("衡阳市创建全国文明城市领导小组办公室", "共青团衡阳市委员会", "共青团衡阳市委员会"),
    ("邵阳市创建全国文明城市工作指挥部", "团市委", "共青团邵阳市委"),
    ("邵阳市创建全国文明城市工作指挥部", "城步", "邵阳市城步"),
    ("邵阳市创建全国文明城市工作指挥部", "邵阳经开区", "邵阳经开区"),
    ("南平市共建办", "武夷山", "南平市武夷山市"),
    ("南平市共建办", "政和", "南平市政和县"),
    ("厦门市翔安区市容管理考评办公室", "新圩", "厦门市翔安区新圩"),
    ("龙港镇“垃圾革命”专项行动领导小组办公室", "新城社区", "龙港镇新城社区"),
    ("南安市丰州镇人民政府", "丰州社区", "南安市丰州镇丰州社区"),
    ("遵义市人民政府办公室", "遵义县人民政府办公室", "遵义市遵义县人民政府办公室"),
    ("遵义市人民政府办公室", "道真自治县人民政府办公室", "遵义市道真自治县人民政府办公室"),
    # divisions the gazetteer does not know are read by their suffix
    ("青川市创建全国文明城市领导小组办公室", "明山县", "青川市明山县"),
    ("青川市创建全国文明城市领导小组办公室", "青川高新区", "青川高新区"),
    ("岚溪县农村环境整治办公室", "团县委", "共青团岚溪县委"),
    ("岚溪县农村环境整治办公室", "市民政局", "市民政局"),
])
def test_full_name(issuer, unit, full):
    assert units.full_name(doc_issued_by(issuer), unit) == full


def test_region_from_the_printed_line_title_or_text():
    doc = doc_issued_by()
    doc.work["printed_by"] = "温州市龙湾区人民政府办公室"
    assert units.full_name(doc, "灵 昆 镇") == "温州市龙湾区灵昆镇"
    doc = doc_issued_by(title="第二季度青川市创建全国文明城市社区专项考评结果公布")
    assert units.full_name(doc, "云溪区桂花社区") == "青川市云溪区桂花社区"
    # a county in the headline of its city's paper: the city is the region
    doc = doc_issued_by(title="攸县、茶陵县被通报约谈", text="本报讯(株洲晚报记者/马文章) 攸县政府、茶陵县政府排名靠后")
    assert units.full_name(doc, "攸县政府") == "株洲市攸县政府"


def test_no_region_keeps_the_name():
    assert units.full_name(doc_issued_by(), "市民政局") == "市民政局"


def test_a_list_of_full_names_is_not_prefixed():
    doc = doc_issued_by("衡阳市财政局")
    assert units.full_name(doc, "湘南学联纪念馆", named_units=True) == "湘南学联纪念馆"
    assert units.full_name(doc, "第四人民医院", named_units=True) == "衡阳市第四人民医院"


def test_stage_fills_unit_full_in_a_run():
    doc = Pipeline().process_text(
        "岚溪县创建全国文明城市工作2024年第一季度考核结果通报\n\n各乡镇、县直机关各单位：\n\n"
        "根据考核办法，现将考核结果通报如下。\n\n岚溪县创建全国文明城市领导小组办公室\n2024年4月18日\n\n"
        "考核对象\t得分\t排名\n青石镇\t93.82\t1\n县民政局\t92.67\t2\n团县委\t91.15\t3\n")
    got = {r.unit: r.unit_full for r in doc.records}
    assert got == {"青石镇": "岚溪县青石镇", "县民政局": "岚溪县民政局", "团县委": "共青团岚溪县委"}


@needs_shared
@pytest.mark.parametrize("sub", ["corpus", "web/corpus"])
def test_gold_unit_full(sub):
    gold_dir = SHARED / sub.replace("corpus", "gold")
    right = total = 0
    for path in real_files(sub):
        doc, _ = processed(str(path))
        gold = json.loads((gold_dir / (path.stem + ".json")).read_text(encoding="utf-8"))
        pred = {}
        for r in doc["records"]:
            pred.setdefault(r["unit"].replace(" ", ""), r["unit_full"])
        for g in gold["records"]:
            total += 1
            right += pred.get(g["unit"].replace(" ", "")) == (g.get("unit_full") or g["unit"])
    assert right >= 0.95 * total


@pytest.mark.parametrize("issuer,unit,full", [
    ("赛罕浩特市人民政府办公室", "东乌拉旗", "赛罕浩特市东乌拉旗"),
    ("临海新区创建全国文明城市工作领导小组办公室", "东关街道办事处", "临海新区东关街道办事处"),
    ("松岭市教育局", "凤山镇中心学校", "松岭市凤山镇中心学校"),
    ("峒溪土家族苗族自治州创建国家卫生城市工作领导小组办公室", "凤岭县", "峒溪土家族苗族自治州凤岭县"),
])
def test_regions_the_gazetteer_does_not_know(issuer, unit, full):
    assert units.full_name(doc_issued_by(issuer), unit) == full


def test_a_county_name_known_elsewhere_is_the_documents_own_when_its_city_is_unknown():
    assert units.full_name(doc_issued_by("桐江市人民政府"), "凤城市") == "桐江市凤城市"
    # a known city: a county of another city is a foreign place, kept as printed
    assert units.full_name(doc_issued_by("衡阳市财政局"), "凤城市") == "凤城市"


def test_a_local_paper_beats_a_homonym_district():
    text = "云川日报\n2024年9月20日 星期五\n我市公布测评结果\n西山区、临江区排名靠后。西山区有关负责人表示整改。\n"
    doc = doc_issued_by(text=text)
    assert units.full_name(doc, "临江区") == "云川市临江区"


def test_region_from_a_source_line_or_a_speakers_byline():
    doc = doc_issued_by(text="全区推进会召开\n发布时间：2024-11-08  来源：柳江区融媒体中心\n会议通报了排名。")
    assert units.full_name(doc, "长岭街道") == "柳江区长岭街道"
    doc = doc_issued_by(text="在全市讲评会上的\n表态发言\n枫林区人民政府区长 宋立新\n(2024年5月18日)\n")
    assert units.full_name(doc, "纺织街道") == "枫林区纺织街道"


def test_a_county_is_never_headed_by_another_county():
    # a region the text gives as a county alone (`东湖区`): a 区 of the list is not inside it
    doc = doc_issued_by("东湖区城市管理局")
    assert units.full_name(doc, "南港区") == "南港区"
    assert units.full_name(doc, "南港区人民政府") == "南港区人民政府"
    assert units.full_name(doc, "新港社区") == "东湖区新港社区"   # a community is
    # a masthead with 我市 beats a district the gazetteer knows elsewhere, named more often
    text = ("青梧日报 2024年6月3日 第3版\n我市通报5月份测评结果\n西山区、西山区、西山区排名靠后，"
            "我市要求西山区整改。\n")
    assert units.full_name(doc_issued_by(text=text), "南港区") == "青梧市南港区"


def test_no_division_starts_inside_a_counted_noun_phrase():
    doc = doc_issued_by(title="我市新增5条城市绿道")
    assert units.region_of(doc).names() == []
    assert units.parse_chain("关于2024年白溪市新增5条城市绿道的通报", anywhere=True).names() == ["白溪市"]


def test_a_city_the_text_never_names_is_not_added():
    # 平山县 is a county of 石家庄市 in the gazetteer; the text names only the county
    text = "平山县召开月度调度会。平山县通报了考评结果，城关镇位列第一。平山县要求各乡镇对标先进。"
    doc = doc_issued_by(text=text)
    assert units.full_name(doc, "城关镇") == "平山县城关镇"
    # named once, the city is the region again
    doc = doc_issued_by(text="石家庄市平山县召开调度会。" + text)
    assert units.region_of(doc).names()[0] == "石家庄市"


def test_a_town_named_after_its_county_or_a_city_is_a_town_of_the_region():
    assert units.full_name(doc_issued_by("柳溪县人民政府办公室"), "柳溪镇") == "柳溪县柳溪镇"
    # 玉溪 is also a city's short name: 玉溪镇 is still a town of the document's county
    assert units.full_name(doc_issued_by("青禾县人民政府办公室"), "玉溪镇") == "青禾县玉溪镇"


def test_a_closing_source_line_gives_the_region():
    lines = "\n".join(["近日评比结果出炉，一起来看。"] + [f"第{i}条动态。" for i in range(20)])
    doc = doc_issued_by(text=lines + "\n来源：青禾县爱国卫生运动委员会办公室\n")
    assert units.full_name(doc, "南塘村") == "青禾县南塘村"


def test_the_gazetteer_finds_its_longest_names():
    """Names of any length are found whole, the 15-character autonomous counties too."""
    from pipeline import gazetteer
    g = gazetteer.load()
    text = "甘肃省积石山保安族东乡族撒拉族自治县人民政府"
    assert [(i, d.name) for i, d in g.find_all(text)] == [(0, "甘肃省"), (3, "积石山保安族东乡族撒拉族自治县")]
    assert g.match_at(text, 3).code == "622927"
