"""Stage 'units': full unit names, the region made explicit from the document's context.

The document's region is read from its issuer (then the 印发 line, the title, the
divisions its text names most — a city only when printed, never one inferred from its
counties — a local paper's masthead with 我市, and last a source line or byline):
`厦门市翔安区市容管理考评办公室` gives the chain 厦门市 > 翔安区, `南安市丰州镇人民政府`
gives 南安市 > 丰州镇.  `full_name(doc, name)` then completes a unit name:

* a leading level word stands for the document's division of that level
  (`市民政局` -> `衡阳市民政局`, `省农信社…办事处` -> `湖南省农信社…办事处`);
* short forms from configs/units.toml (`团市委` -> `共青团邵阳市委`);
* a county of the document's city gets the city (`祁东县` -> `衡阳市祁东县`), and a
  county printed short regains its suffix (`武夷山` -> `南平市武夷山市`);
* a name that already names a place, a national body or an organisation standing on
  its own (a bank, a university) is kept as printed;
* anything else (towns, communities, villages, zones) gets the whole chain
  (`新城社区` in a notice of 龙港镇 -> `龙港镇新城社区`).

The stage writes every record's `unit_full`; the commitments stage calls
`full_name` for speakers.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import regex

from . import config, gazetteer, rx
from .gazetteer import Division
from .model import Document
from .normalise import fold, squeeze
from .registry import register


@dataclass
class Place:
    """One division of a document's region, as printed (`明山縣`), with its gazetteer entry if any."""
    name: str
    level: str  # province, city, county, town
    div: Division | None = None

    @property
    def short(self) -> str:
        if self.div is not None:
            return self.div.short
        return self.name[:-1] if self.level in ("city", "county") and len(self.name) >= 3 else self.name


@dataclass
class Region:
    """A document's region: divisions from the widest printed down, e.g. 厦门市 > 翔安区."""
    chain: list[Place] = field(default_factory=list)
    province: Division | None = None
    facts: _RegionFacts | None = field(default=None, repr=False, compare=False)  # (see _facts; compiled, init=False leaves it unset)

    def __bool__(self) -> bool:
        return bool(self.chain or self.province)

    def names(self) -> list[str]:
        return [p.name for p in self.chain]

    def upto(self, word: str) -> str | None:
        """The chain down to its last division whose name ends with the level word (市, 区…)."""
        ends = ("镇", "乡", "街道", "街道办事处") if word in ("镇", "乡") else (word, _fold_name(word))
        for k in range(len(self.chain) - 1, -1, -1):
            if _fold_name(self.chain[k].name).endswith(ends):
                return "".join(self.names()[: k + 1])
        return None

    def upto_place(self, place: Place) -> str:
        k = self.chain.index(place)
        return "".join(self.names()[: k + 1])

    def level_name(self, word: str) -> str | None:
        full = self.upto(word)
        if full is None:
            return None
        return next(n for n in reversed(self.names()) if full.endswith(n))


def _cfg() -> dict:
    return config.load("units")


# Unit and place names repeat massively across a corpus: the pure functions of a name
# below are cached (bounded).
_NAME_CACHE = 16384


@functools.lru_cache(maxsize=_NAME_CACHE)
def _fold_name(name: str) -> str:
    return fold(name)


@functools.lru_cache(maxsize=_NAME_CACHE)
def _printed_and_key(name: str) -> tuple[str, str]:
    """The name without whitespace, and its folded form (what is matched on)."""
    printed = squeeze(name)
    return printed, _fold_name(printed)  # (the names of units_named, mostly: one fold each)


@functools.lru_cache(maxsize=1)
def _suffix_tuples() -> dict[str, tuple[str, ...]]:
    """The config's word lists as tuples for str.startswith / endswith."""
    cfg = _cfg()
    return {"national_prefixes": tuple(cfg["suffixes"]["national_prefixes"]),
            "independent": tuple(cfg["suffixes"]["independent"]),
            "org": tuple(cfg["suffixes"]["org"]),
            "not_level_words": tuple(cfg["not_level_words"]),
            "not_divisions": tuple(cfg["not_divisions"])}


@functools.lru_cache(maxsize=1)
def _title_prefix_pattern():
    """What a name or title may open with before its first division (中共…, 关于…)."""
    return regex.compile("|".join(map(regex.escape, _cfg()["suffixes"]["national_prefixes"] + ["关于对", "关于"])))


@functools.lru_cache(maxsize=1)
def _needs_place_pattern():
    return regex.compile(_cfg()["needs_place"])


@functools.lru_cache(maxsize=1)
def _county_like_pattern():
    suffixes = "|".join(_cfg()["suffixes"]["county_like"])
    return regex.compile(rf"(\p{{Han}}{{1,3}}?)(?:{suffixes})")


@functools.lru_cache(maxsize=1)
def _town_pattern():
    suffixes = "|".join(sorted(_cfg()["suffixes"]["town"], key=len, reverse=True))
    return regex.compile(rf"\p{{Han}}{{2,4}}?(?:{suffixes})")


@functools.lru_cache(maxsize=1)
def _division_pattern():
    nations = "|".join(sorted(gazetteer.load().nations, key=len, reverse=True))
    return regex.compile(rf"(\p{{Han}}{{2,4}}?)(?:(?:{nations})+(自治州|自治县|自治旗)|(自治县|自治州|省|市|县|区|州|盟|旗))")


_NOT_A_NAME_PART = regex.compile(r"[年月日度第全本各]")


def _town_at(text: str, i: int) -> str | None:
    m = _town_pattern().match(text, i)
    return m.group() if m and m.group() not in _cfg()["not_divisions"] else None


def _division_at(text: str, i: int) -> tuple[str, str] | None:
    """A division the gazetteer may not know (a new or renamed one): `青川市`, `岚溪县` -> (name, level)."""
    m = _division_pattern().match(text, i)
    if not m or m.group() in _cfg()["not_divisions"] or _NOT_A_NAME_PART.search(m.group(1)):
        return None
    level = {"省": "province", "县": "county", "自治县": "county", "区": "county", "旗": "county", "自治旗": "county"}
    return m.group(), level.get(m.group(2) or m.group(3), "city")


def _counted_at(text: str, i: int) -> bool:
    """Does text[i] start a counted noun phrase, a number then a measure word (`3条城市公交线路`)?
    No division name starts there."""
    return i > 0 and text[i] in _cfg()["measure_words"] and bool(rx.match(r"[\d〇零一二两三四五六七八九十百千]", text[i - 1]))


def parse_chain(name: str, town_first: bool = False, anywhere: bool = False) -> Region:
    """The divisions a name starts from: `南安市丰州镇人民政府` -> 南安市 > 丰州镇.

    With `anywhere` (a title), the first division the gazetteer knows may come later:
    `关于2023年邵阳市创建…的通报` -> 邵阳市."""
    gaz = gazetteer.load()
    printed, key = _printed_and_key(name)
    prefix = _title_prefix_pattern().match(key)
    i = prefix.end() if prefix else 0
    if anywhere and not gaz.match_at(key, i) and not _division_at(key, i):
        found = gaz.find_all(key)
        # a division the gazetteer does not know must open a word: after a date or 关于
        loose = [k for k in range(1, len(key)) if _division_at(key, k) and
                 (not rx.match(r"\p{Han}", key[k - 1]) or key[k - 1] in "年月度于对在") and
                 not _counted_at(key, k)]
        starts = [k for k in [found[0][0] if found else None, loose[0] if loose else None] if k is not None]
        i = min(starts) if starts else i
    region = Region()
    while i < len(key):
        last = region.chain[-1] if region.chain else None
        div = gaz.match_at(key, i)
        if div and (last is None or last.div is None or (gaz.parent(div) or div).code == last.div.code):
            region.chain.append(Place(printed[i:i + len(div.name)], div.level, div))
            i += len(div.name)
            continue
        generic = _division_at(key, i) if last is None or last.level in ("province", "city") else None
        if generic and not div:
            level = generic[1] if last is None or generic[1] != "city" else "county"
            region.chain.append(Place(printed[i:i + len(generic[0])], level))
            i += len(generic[0])
            continue
        town = _town_at(key, i) if (last is None and town_first) or (last and last.level == "county") else None
        if town:
            region.chain.append(Place(printed[i:i + len(town)], "town"))
        break
    first = region.chain[0] if region.chain else None
    if first is not None and first.div is not None:
        region.province = first.div if first.level == "province" else gaz.province_of(first.div)
    if first is not None and first.level == "province":
        region.chain = region.chain[1:]
    return region


def region_from_text(view: str) -> Region:
    """The city (else county) the text names most; a county's mentions count for its city."""
    gaz = gazetteer.load()
    votes: dict[str, float] = {}
    named: set[str] = set()  # divisions the text prints itself
    for _, div in gaz.find_all(view):
        votes[div.code] = votes.get(div.code, 0) + 1
        named.add(div.code)
        up = gaz.parent(div)
        if div.level == "county" and up is not None:
            votes[up.code] = votes.get(up.code, 0) + 0.5
    for m in _paper_names(view):
        words = m.group(1)  # 株洲晚报, 掌上梅州讯: the paper's city
        for k in range(len(words) - 1):
            for div in gaz.by_short.get(words[k:], []):
                if div.level == "city":
                    votes[div.code] = votes.get(div.code, 0) + 1
                    named.add(div.code)
    # one passing mention is no evidence: a place must be named at least twice
    votes = {c: v for c, v in votes.items() if v >= 2}
    # a city the text never names is no region of it, however often its counties are named:
    # an annotator adds only the region the text gives (平山县城关镇, not 石家庄市城关镇)
    cities = {c: v for c, v in votes.items() if gaz.by_code[c].level == "city" and c in named}
    # a local paper's own place beats a county the gazetteer knows elsewhere (西山区)
    paper = own_paper(view) if not cities else Region()
    if paper:
        return paper
    pool = cities or {c: v for c, v in votes.items() if gaz.by_code[c].level == "county"}
    if not pool:
        return Region()
    best = gaz.by_code[max(pool, key=pool.__getitem__)]
    return Region([Place(best.name, best.level, best)], gaz.province_of(best))


_PAPER_WORDS = ("日报", "晚报", "都市报", "新闻网", "讯")
_PAPER_NAME = regex.compile(r"(\p{Han}{2,4}?)(?:%s)" % "|".join(_PAPER_WORDS))
_PAPER_NAME_MIN, _PAPER_NAME_MAX = 2, 4  # the name's length in characters, as in the pattern
_PAPER_WORD = regex.compile("|".join(_PAPER_WORDS))


def _paper_names(view: str):
    """_PAPER_NAME.finditer(view), tried only just before the paper words: a name
    ending before the first paper word after pos would have to end in one."""
    pos, end = 0, len(view)
    while pos < end:
        word = _PAPER_WORD.search(view, pos + _PAPER_NAME_MIN)  # (one search: a word absent
        if word is None:                                        # is not looked for again and again)
            return
        word_at = word.start()
        # the matches starting before word_at - 1 must end in this word (none ends earlier)
        first = max(pos, word_at - _PAPER_NAME_MAX)
        for i in range(first, word_at - _PAPER_NAME_MIN + 1):
            m = _PAPER_NAME.match(view, i)
            if m:
                yield m
                pos = m.end()
                break
        else:
            pos = max(pos, word_at - _PAPER_NAME_MIN + 1)


def own_paper(view: str) -> Region:
    """A local paper speaking of 我市 / 我县 is that place's: `北原日报` + `我市` -> 北原市."""
    # (the masthead may go on with the date and page: `金川日报 2024年11月6日 第2版`)
    m = rx.search(r"^\s*(\p{Han}{2,3}?)(?:日报|晚报|都市报|报)(?:\s|$)", view[:600], regex.M)
    if not m:
        return Region()
    for word, level in (("市", "city"), ("县", "county"), ("区", "county")):
        # the paper speaks of its place as 我市 / 全市, or names its bodies by the level word (市城管委)
        if rx.search(rf"[我全本]{word}|(?<!\p{{Han}}){word}\p{{Han}}{{1,6}}?(?:委|局|办)|[,，。、]{word}\p{{Han}}{{1,6}}?(?:委|局|办)", view):
            return Region([Place(m.group(1) + word, level)])
    return Region()


def region_from_head(view: str) -> Region:
    """A body named in the first lines, as a source or a speaker's byline, or on a source line
    anywhere: `来源：柳江区融媒体中心`, `枫林区人民政府区长 宋立新`."""
    bodies = "|".join(_cfg()["head_bodies"])
    lines = view.splitlines()
    # (a post's source line may close it: `来源：丰源县爱国卫生运动委员会办公室`)
    source = regex.compile(rf"\s*(?:{'|'.join(_cfg()['source_labels'])})\s*[:：]\s*(\S{{2,30}})")
    for line in lines[:15]:
        for m in rx.finditer(r"(?:^|[:：]\s*)(\S{2,30})", line.strip()):
            value = m.group(1)
            region = parse_chain(value)
            if region.chain and rx.match(bodies, value[len("".join(region.names())):]):
                return region
    # (a post's source line may close it: `来源：丰源县爱国卫生运动委员会办公室`; a labelled
    # source is a body whatever its name)
    for m in filter(None, (source.match(ln) for ln in lines[15:])):
        region = parse_chain(m.group(1))
        rest = m.group(1)[len("".join(region.names())):]
        if region.chain and len(rest) >= 2 and rest.endswith(tuple(_cfg()["suffixes"]["org"])):
            return region
    return Region()


def region_of(doc: Document) -> Region:
    """The document's region (computed once, kept in doc.work["region"])."""
    if "region" in doc.work:
        return doc.work["region"]
    sources = list(doc.issuer)
    if doc.work.get("printed_by"):
        sources.append(doc.work["printed_by"])
    region = Region()
    for name in sources:
        region = parse_chain(name, town_first=True)
        if region.chain:
            break
    if not region.chain:
        region = parse_chain(doc.title, anywhere=True) if doc.title else Region()
        top = region.chain[0].div if region.chain else None
        # (the text's region, costly, is only read when the title gives none or a county)
        if not region.chain or (top is not None and top.level == "county"):
            from_text = region_from_text(doc.work.get("view") or fold(doc.raw))
            if not region.chain or (from_text.chain and top is not None and gazetteer.load().parent(top) == from_text.chain[0].div):
                region = from_text  # a county in a headline of its city's paper: the city is the region
        if not region.chain:
            region = region_from_head(doc.work.get("view") or fold(doc.raw))
    doc.work["region"] = region
    return region


def _names_a_place(name: str, facts: _RegionFacts) -> bool:
    """Does the (folded) name name a place itself, in a document of this region? (asked of
    a name by units_named, then by full_name: kept in the region's facts)"""
    known = facts.names_place.get(name)
    if known is None:
        known = facts.names_place[name] = _names_a_place_in(name, facts)
    return known


def _names_a_place_in(name: str, facts: _RegionFacts) -> bool:
    national, start_level, short_place = _place_facts(name)
    if national:
        return True
    for full, short in facts.place_names:
        if full in name:
            return True
        # (a town named after its county, 玉溪县's 玉溪镇, names no place of its own)
        if short is not None and short in name and not _town_named_after(name, short):
            return True
    if facts.province_short is not None and facts.province_short in name:
        return True
    if start_level is not None:
        # a county elsewhere: a foreign place if the document's city is known (its own
        # counties were handled before), else a homonym of one of its own (桐江市's 凤城市)
        return start_level != "county" or facts.foreign_county
    return short_place


class _RegionFacts:
    """What full_name asks of a region, computed once per region (names, its chain
    down to each level, its cities and counties)."""

    def __init__(self, region: Region):
        self.region = region
        self.truthy = bool(region)
        chain = region.chain
        self.names = region.names()
        self.names_set = frozenset(self.names)
        self.whole = "".join(self.names)
        # (folded full name, folded short name when it can name the place alone) per division
        self.place_names = []
        for place in chain:
            short = _fold_name(place.short)
            self.place_names.append((_fold_name(place.name),
                                     short if place.level != "town" and len(short) >= 2 else None))
        self.province_short = region.province.short if region.province else None
        city = next((p for p in chain if p.level == "city"), None)
        self.foreign_county = city is None or city.div is not None
        self.first_city_upto = region.upto_place(city) if city else None
        # (the divisions a county may stand under, last first, with the chain down to each)
        self.parents = [(place.div, region.upto_place(place)) for place in reversed(chain)
                        if place.div is not None and place.div.level != "county"]
        last_city = next((p for p in reversed(chain) if p.level == "city"), None)
        self.last_city_upto = region.upto_place(last_city) if last_city else None
        self.county_or_town_last = bool(chain) and chain[-1].level in ("county", "town")
        self._upto: dict[str, str | None] = {}
        self.names_place: dict[str, bool] = {}  # _names_a_place of the names asked
        self._level_name: dict[str, str | None] = {}

    def upto(self, word: str) -> str | None:
        if word not in self._upto:
            self._upto[word] = self.region.upto(word)
        return self._upto[word]

    def level_name(self, word: str) -> str | None:
        if word not in self._level_name:
            self._level_name[word] = self.region.level_name(word)
        return self._level_name[word]


def _facts(region: Region) -> _RegionFacts:
    """The region's _RegionFacts (kept on it: a document's region is made once, never changed)."""
    facts = region.facts
    if facts is None:
        facts = region.facts = _RegionFacts(region)
    return facts


@functools.lru_cache(maxsize=_NAME_CACHE)
def _place_facts(name: str) -> tuple[bool, str | None, bool]:
    """What a (folded) name says of places whatever the document: does it start from the
    nation or a party, the level of the division its full name starts with, and (when
    none) does it start with the short name of a province or city."""
    if name.startswith(_suffix_tuples()["national_prefixes"]):
        return True, None, False
    div = _division_starting(name)
    if div is not None:
        return False, div.level, False
    shorts, openings, longest = _place_shorts()
    if name[:2] not in openings:
        return False, None, False
    # the short names the name starts with (looked up by prefix, not by scanning the gazetteer)
    prefixes = (name[:k] for k in range(2, min(len(name), longest) + 1))
    return False, None, any(s in shorts and not _town_named_after(name, s) for s in prefixes)


@functools.lru_cache(maxsize=1)
def _place_shorts() -> tuple[frozenset[str], frozenset[str], int]:
    """The short names of provinces and cities (a county's short name alone names no place
    for sure), their first two characters, and the gazetteer's longest short name."""
    gaz = gazetteer.load()
    shorts = frozenset(s for s, divs in gaz.by_short.items() if any(d.level != "county" for d in divs))
    return shorts, frozenset(s[:2] for s in shorts), gaz.longest_short


@functools.lru_cache(maxsize=_NAME_CACHE)
def _division_starting(name: str) -> Division | None:
    """The longest division whose full name the name starts with."""
    return gazetteer.load().match_at(name, 0)


@functools.lru_cache(maxsize=_NAME_CACHE)
def _town_named_after(name: str, short: str) -> bool:
    town = _town_at(name, 0)
    return bool(town and town.startswith(short) and town[len(short):] in _cfg()["suffixes"]["town"])


@functools.lru_cache(maxsize=_NAME_CACHE)
def _county_level(name: str) -> bool:
    """Does the name start with a county-level division (`临江区`, `临江区人民政府`), not a zone
    or a community shaped like one (`新城社区`)?"""
    div = _division_starting(name)
    if div is not None:
        return div.level == "county"
    # one the gazetteer does not know: a two-character name and its suffix (not 中心工业区)
    found = _division_at(name, 0)
    return bool(found and found[1] == "county" and len(found[0]) == 3 and
                not found[0].endswith(_suffix_tuples()["not_divisions"]))


def _county_child(name: str, facts: _RegionFacts) -> tuple[str, str | None] | None:
    """`祁东县…` / `武夷山` in a document of their city: (the city's chain, the full county name
    when the name is a county printed short, else None)."""
    if facts.parents:
        gaz = gazetteer.load()
        div = _division_starting(name)
        up = (gaz.parent(div) or div).code if div else None
        for parent, upto in facts.parents:
            if div and up == parent.code and div.code != parent.code:
                return upto, None
            child = gaz.child_named(parent, name, short=True)
            if child:  # a dropped generic suffix comes back (政和 -> 政和县), an ethnic one does not (城步)
                return upto, child.name if len(child.name) - len(name) == 1 else None
    if facts.first_city_upto is not None:
        county = _county_like_start(name)
        if county and county not in facts.names_set:
            return facts.first_city_upto, None
    return None


@functools.lru_cache(maxsize=_NAME_CACHE)
def _county_like_start(name: str) -> str | None:
    """The county-shaped word a name starts with (`遵义县…`, `道真自治县…`), if any."""
    m = _county_like_pattern().match(name)
    return m.group() if m else None


def full_name(doc: Document, name: str, named_units: bool | None = None, in_table: bool = True) -> str:
    """The full name of a unit printed as `name` in this document.

    A unit listed in a table (or a speaker) is one of the document's own units, so a bare
    name gets the document's region; a body named in running text (`in_table=False`) only
    gets the region its printed form asks for (a level word, a county of the city)."""
    if not _name_facts(name)[0]:
        return ""
    region = region_of(doc)
    if named_units is None:
        named_units = doc.work.get("units_named", False)
    return _full_name(_facts(region), name, named_units, in_table)


def _full_name(facts: _RegionFacts, name: str, named_units: bool, in_table: bool = True) -> str:
    """full_name in a document of the region these facts are of."""
    printed, key, kind = _name_facts(name)
    if not printed or not facts.truthy:
        return printed
    if kind == "abbreviation":
        out = _cfg()["abbreviations"][key]
        for word in rx.findall(r"\{(\p{Han})\}", out):
            level = facts.level_name(word)
            if level is None:
                return printed
            out = out.replace("{" + word + "}", level)
        return out
    if kind == "province":
        province = facts.region.province
        if province and key.endswith(_suffix_tuples()["org"]):
            return province.name + printed[1:]
        return printed
    if kind == "level":
        prefix = facts.upto(key[0])
        return prefix + printed[1:] if prefix else printed
    child = _county_child(key, facts)
    if child:
        return child[0] + (child[1] or printed)
    if not in_table or _names_a_place(key, facts):
        return printed
    # a town's unit (凤山镇中心学校, 东关街道办事处) is a unit of the document's region
    if kind == "independent":
        return printed
    if kind == "bare" and named_units:
        return printed
    if facts.county_or_town_last and _county_level(key):
        # a 区/县 is never a part of another 区/县 (西山区临江区): only a city may head it
        return facts.last_city_upto + printed if facts.last_city_upto is not None else printed
    return facts.whole + printed  # (the whole chain: none when it is empty)


@functools.lru_cache(maxsize=_NAME_CACHE)
def _name_facts(name: str) -> tuple[str, str, str]:
    """The name without whitespace, its folded form, and what full_name makes of it
    whatever the region: an `abbreviation`, a name opening with the `province` or another
    `level` word, one that stands on its own (`independent`: no place needed, no town,
    an independent ending), a `bare` one (no place needed, no town), else `placed`."""
    printed, key = _printed_and_key(name)
    if not printed:
        return printed, key, "empty"
    cfg, words = _cfg(), _suffix_tuples()
    if key in cfg["abbreviations"]:
        return printed, key, "abbreviation"
    word = key[0]
    if word in cfg["level_words"] and len(key) > 1 and not key.startswith(words["not_level_words"]):
        return printed, key, "province" if word == "省" else "level"
    if not _needs_place_pattern().match(key) and not _town_at(key, 0):
        return printed, key, "independent" if key.endswith(words["independent"]) else "bare"
    return printed, key, "placed"


def units_named(doc: Document) -> bool:
    """Do most of the document's table units already carry their region (a list of full names)?"""
    units = [_fold_name(r.unit) for r in doc.records if r.unit]
    if len(units) < 5:
        return False
    facts = _facts(region_of(doc))
    named = sum(1 for u in units if _names_a_place(u, facts))
    return named >= 0.6 * len(units)


@register("units")
def make_units():
    def units(doc: Document) -> Document:
        facts = _facts(region_of(doc))
        named = doc.work["units_named"] = units_named(doc)
        for rec in doc.records:
            rec.unit_full = _full_name(facts, rec.unit_full or rec.unit, named)
        return doc
    return units
