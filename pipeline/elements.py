"""Stage 'elements': the 公文 elements of a document (GB/T 9704-2012).

title, doc_number (the document's own 发文字号, never one it only cites), issuer
(发文机关署名), recipients (主送机关), date (成文日期), attachments (附件说明), cc (抄送),
and the 印发 line (kept in `doc.work["printed_by"]`).  Each element is read where
the layout puts it (the head before the 主送 line, the block above the date under
the body, the 版记 at the end) and only falls back to a portal's metadata list when
the notice does not print it.  Section types from `segment` are not required: the
rules read lines, so a slightly wrong section type costs nothing.

For a newspaper the title is the lead article's headline; for a speech (genre
other) the title as printed.  Two competing 成文日期 are settled by the years the
content is about; the loser raises `date_inconsistent`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import regex

from . import config, dates, rx
from .model import Document
from .normalise import compact, squeezer
from .registry import register
from .section_cues import Cue

# the `〔2023〕3号` a 发文字号 ends with: brackets and digits, quick to search for (entities finds
# numbers in a text from their tails)
DOC_NUMBER_TAIL = regex.compile(r"[〔\[［【(（]\s*(?P<y>\d{4})\s*[〕\]］】)）]\s*(?P<n>\d{1,5})\s*号")
DOC_NUMBER_RE = regex.compile(r"(?P<code>\p{Han}{1,10})\s*" + DOC_NUMBER_TAIL.pattern)
SENTENCE_PUNCT = regex.compile(r"[。；;，,]")
META_LINE = regex.compile(r"^[-•·\s]*(?P<label>[^:：]{1,12}?)\s*[:：]\s*(?P<value>\S.*)$")
WRAPPED_TAIL = regex.compile(r"\p{Han}{1,6}[:：]")  # the last word of a 主送 line, wrapped
LIST_PUNCT = regex.compile(r"[，,、]")
COLON_OR_STOP = regex.compile(r"[:：。]")
STOP_OR_COLON = regex.compile(r"[。；;:：]")
SIGNER_NOTE = regex.compile(r"签发人[:：]\S*$")
NUMBERED = regex.compile(r"^\d+[.、．]|^[一二三四五六七八九十]+、")
HAN4 = regex.compile(r"\p{Han}{4,}")
PRINTED_BY_LINE = regex.compile(r"^(?P<org>.+?)\s*(?P<date>\S+年\s*\S+月\s*\S+日)\s*印发\s*$")


def norm_doc_number(m: regex.Match) -> str:
    """`遵府办发[2006]100号`, `衡创〔2023〕3 号` -> `遵府办发〔2006〕100号`, `衡创〔2023〕3号`."""
    return f"{m['code']}〔{m['y']}〕{m['n']}号"


@dataclass(eq=False, slots=True)  # a line is itself: `lines.index` by identity (no two share a span)
class TextLine:
    index: int
    start: int
    end: int
    text: str   # the folded view of the line, stripped
    flat: str   # the view without spaces and markdown emphasis: what rules read
    indent: int
    # `printed`, the raw characters of `flat` one for one (what values are cut from), is read off
    # `source` (view, raw) when first asked for: few lines ever give a value
    source: tuple[str, str] | None = field(default=None, compare=False, repr=False)
    known_printed: str | None = field(default=None, compare=False, repr=False)
    furniture: bool | None = field(default=None, compare=False, repr=False)  # is_furniture, once per line

    @property
    def printed(self) -> str:
        if self.known_printed is None:
            assert self.source is not None  # (text_lines gives every line its source)
            self.known_printed = _printed(*self.source, self.start, self.end, self.flat)
        return self.known_printed

    def cut(self, i: int, j: int | None = None) -> str:
        """The printed form of flat[i:j]."""
        return self.printed[i:j]


# what rules read of a line: everything but whitespace (as `compact` drops it) and markdown's `*`
_READ_RUN = regex.compile(r"[^\s*]+")


def text_lines(doc: Document) -> list[TextLine]:
    view, raw = doc.work["view"], doc.raw
    source = (view, raw)
    squeeze = squeezer(view)
    out: list[TextLine] = []
    cfg = config.load("elements")
    title_ends = tuple(cfg["title_ends"])
    debris_line = rx.compiled(cfg["debris_line"]).match
    debris = rx.compiled("|".join(config.load("sections")["furniture"]["debris_pipe"])).match
    whole = doc.genre == "newspaper"
    stars = "*" in view
    append = out.append
    for i, ln in enumerate(doc.work["lines"]):
        start, end = ln.start, ln.end
        if start == end:
            continue  # (an empty line gives no TextLine either way)
        line = view[start:end]
        if debris_line(line):
            continue
        pieces = ((start, end),) if whole else _pieces(view, start, end, title_ends)
        for start, end in pieces:
            text = line if len(pieces) == 1 else view[start:end]
            cut = debris(text)  # a scan's `|` before a line's text
            if cut and start + cut.end() < end:
                start += cut.end()
                text = view[start:end]
            flat = squeeze(text)
            if stars:
                flat = flat.replace("*", "")
            if flat:
                body = text.lstrip()
                append(TextLine(i, start, end, body.rstrip(), flat, len(text) - len(body), source))
    return out


def _printed(view: str, raw: str, start: int, end: int, flat: str) -> str:
    """The raw characters of view[start:end] that `flat` keeps (the view folds width and script, one
    character for one)."""
    if raw[start:end] == view[start:end]:
        return flat
    return "".join(raw[m.start():m.end()] for m in _READ_RUN.finditer(view, start, end))


_LONG_LINE = 200


def _pieces(view: str, start: int, end: int, title_ends: tuple[str, ...]) -> list[tuple[int, int]]:
    """A whole notice flattened onto one line (web copies) is read as the lines it lost:
    a long line is cut at a space after a sentence, a colon or a title, or before a
    heading or a date."""
    if end - start < _LONG_LINE:
        return [(start, end)]
    line = view[start:end]
    cuts = []
    for m in rx.finditer(r"[ \t\u3000]+", line):
        before, after = line[: m.start()], line[m.end():]
        if before.endswith(tuple("。:：!?！？")) or before.endswith(title_ends) or \
                rx.match(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{4}\s*年", after):
            cuts.append(m.start())
    if len(cuts) < 3:
        return [(start, end)]
    bounds = [start] + [start + c for c in cuts] + [end]
    return [(a, b) for a, b in zip(bounds, bounds[1:])]


FULL_DATE = regex.compile(r"\d{4}-\d{2}-\d{2}")
_AFTER_YEAR = ("年", "-", ".", "/")  # (a tuple: "" is in every string)


def _may_be_full_date(flat: str) -> bool:
    """False when dates.parse(flat) cannot be a YYYY-MM-DD: only a `date` or `iso` mention opening the
    line (a year of four characters, then 年 or the separator) gives one."""
    return flat.strip()[4:5] in _AFTER_YEAR


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> str | None:
    """dates.parse of a line: lines repeat (a 成文日期 is read as a date line and as a signer)."""
    return dates.parse(text)


@functools.lru_cache(maxsize=1)
def cues() -> tuple[Cue, Cue]:
    """elements.toml's `furniture` and `not_recipients`, each one pattern: one search per line,
    not one per pattern (tests/test_segment.py checks that they join safely)."""
    cfg = config.load("elements")
    return Cue(cfg["furniture"]), Cue(cfg["not_recipients"])


def split_outer(line: str) -> list[str]:
    """Split a 主送 line at its outer separator (SCHEMA.md): `，` `,` `；` when it has one, else `、`;
    a bare body (`政府` in `各乡镇党委、政府`) stays with the item it completes."""
    if rx.search(r"[，,；;]", line):
        return [p for p in (x.strip() for x in rx.split(r"[，,；;]", line)) if p]
    bare = config.load("elements")["bare_bodies"]
    items: list[str] = []
    for part in (x.strip() for x in line.split("、")):
        if items and part in bare:
            items[-1] += "、" + part
        elif part:
            items.append(part)
    return items


class Reader:
    """Reads the elements of one document; each method one element."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.cfg = config.load("elements")
        self.furniture, self.not_recipients = cues()
        self.lines = text_lines(doc)
        self.full_width: int | None = None  # of the lines: see _full_width
        self.view = doc.work["view"]
        self.genre = doc.genre
        self.meta = self._metadata()
        if self.genre == "other":  # a notice the classifier missed still has its 主送 line and 成文日期
            self.genre = "notice"
            if self._recipients_line() is None or not self.date_lines(0):
                self.genre = "other"
        self.recipients_at = self._recipients_line()
        self.head_end = self._head_end()

    # --- layout -------------------------------------------------------------------
    def is_furniture(self, ln: TextLine) -> bool:
        if ln.furniture is None:
            ln.furniture = bool(self.furniture.search(ln.text) or self.furniture.search(ln.flat))
        return ln.furniture

    def is_body(self, ln: TextLine) -> bool:
        """Running text: sentences, not a heading or a name."""
        flat = ln.flat
        if flat.endswith("摄") or self.is_furniture(ln):
            return False
        # (not ! and ?: a web headline may shout; sentences of a body end with 。 or run on commas)
        return ("。" in flat and len(flat) > 20) or (len(SENTENCE_PUNCT.findall(flat)) >= 2 and len(flat) > 30)

    def _metadata(self) -> dict[str, tuple[str, TextLine]]:
        found = {}
        for ln in self.lines[:25]:
            line = self.view[ln.start:ln.end]
            m = (":" in line or "：" in line) and META_LINE.match(line)
            if not m:
                continue
            label = rx.sub(r"\s", "", m["label"])
            value = self.doc.raw[ln.start + m.start("value"):ln.end].strip()
            for key, labels in self.cfg["meta"].items():
                if label in labels and key not in found:
                    found[key] = (value, ln)
        return found

    def _recipients_line(self) -> TextLine | None:
        if self.genre != "notice":
            return None
        for k, ln in enumerate(self.lines[:20]):
            nxt = self.lines[k + 1] if k + 1 < len(self.lines) else None
            if nxt and WRAPPED_TAIL.fullmatch(nxt.flat) and LIST_PUNCT.search(ln.flat) \
                    and not COLON_OR_STOP.search(ln.flat):
                ln = self._joined(ln, nxt)  # a 主送 line wrapped before its last word
            flat = ln.flat
            if flat.endswith((":", "：")) and len(flat) <= 120 and "。" not in flat \
                    and not self.is_furniture(ln) and not self.not_recipients.search(flat):
                return ln
            if self.is_body(ln):
                return None
        return None

    def _joined(self, a: TextLine, b: TextLine) -> TextLine:
        joined = TextLine(b.index, a.start, b.end, a.text + b.text, a.flat + b.flat, a.indent,
                          known_printed=a.printed + b.printed)
        k = self.lines.index(a)
        self.lines[k:k + 2] = [joined]
        return joined

    def _head_end(self) -> int:
        """Index (in self.lines) of the first line after the head."""
        for k, ln in enumerate(self.lines):
            if ln is self.recipients_at or self.is_body(ln) or ln.flat.startswith(("尊敬的", "各位")):
                return k
        return len(self.lines)

    # --- head ---------------------------------------------------------------------
    def doc_number(self) -> str | None:
        for ln in self.lines[: max(self.head_end, 1) + 2]:
            # the number stands alone on its line, in brackets or beside 签发人
            flat = SIGNER_NOTE.sub("", ln.flat) if "签发人" in ln.flat else ln.flat
            lead = len(flat) - len(flat.lstrip("()（）[]【】"))
            m = DOC_NUMBER_RE.fullmatch(flat.strip("()（）[]【】"))
            if m:
                return ln.cut(lead + m.start(), lead + m.end())
        if "doc_number" in self.meta:
            m = DOC_NUMBER_RE.search(self.meta["doc_number"][0])
            return rx.sub(r"\s+", "", m.group()) if m else None
        return None

    def is_title_like(self, flat: str, strict: bool) -> bool:
        if not 5 <= len(flat) <= 100 or STOP_OR_COLON.search(flat, 0, len(flat) - 1) or flat.endswith(("：", ":")):
            return False
        if flat.count("，") + flat.count(",") > 1 or DOC_NUMBER_RE.fullmatch(flat.strip("()（）")):
            return False
        if not strict:
            return True
        return flat.startswith(tuple(self.cfg["title_starts"])) or \
            flat.rstrip("。”\"") .endswith(tuple(self.cfg["title_ends"]))

    def title(self) -> str | None:
        if self.genre == "newspaper":
            return self.headline()
        blocks = self._title_blocks(self.lines[: self.head_end])
        for block in reversed(blocks):
            if self.is_title_like("".join(ln.flat for ln in block), strict=True):
                return "".join(ln.printed for ln in self._without_letterhead(block))
        return None

    def _without_letterhead(self, block: list[TextLine]) -> list[TextLine]:
        """A body's name alone on the line before `关于…` is the 发文机关标志, not the title's
        start, when the 发文字号 comes on the very next line after the title (the number sits
        under the 标志, above the title: a scan read out of order, its lines packed)."""
        k = self.lines.index(block[-1]) + 1
        packed = all(b.index == a.index + 1 for a, b in zip(block, block[1:]))
        number_follows = k < len(self.lines) and self.lines[k].index == block[-1].index + 1 and \
            DOC_NUMBER_RE.fullmatch(self.lines[k].flat.strip("()（）[]【】"))
        if number_follows and packed and len(block) > 1 and self.is_signer(block[0]) and \
                block[1].flat.startswith(tuple(self.cfg["title_starts"])):
            return block[1:]
        return block

    def _title_blocks(self, lines: list[TextLine]) -> list[list[TextLine]]:
        """Runs of consecutive lines that read as one wrapped heading."""
        ends = tuple(self.cfg["title_ends"])
        blocks: list[list[TextLine]] = []
        for ln in lines:
            if self.is_furniture(ln) or DOC_NUMBER_RE.search(ln.flat):
                blocks.append([])
                continue
            prev = blocks[-1][-1] if blocks and blocks[-1] else None
            # a wrapped title goes on (across blank lines too) until it ends with 通报, 通知…;
            # before 关于 only the issuing body's name belongs to it (not the `…文件` mark)
            opens = ln.flat.startswith(tuple(self.cfg["title_starts"]))
            if prev and prev.index < ln.index and not prev.flat.endswith(ends) and \
                    (not opens or (self.is_signer(prev) and not prev.flat.endswith("文件"))):
                blocks[-1].append(ln)
            else:
                blocks.append([ln])
        return [b for b in blocks if b]

    def headline(self) -> str | None:
        """The lead article's headline: the first heading line before the first story that
        is not a kicker (`全民动员 全员上阵 全力以赴`: short phrases set apart by spaces)."""
        candidate = None
        for ln in self.lines:
            flat = ln.flat
            if flat.endswith("摄") or self.is_furniture(ln) or self.is_credit(flat):
                continue
            if self.is_body(ln) or rx.match(r"^本报讯|^\S{0,8}讯", flat):
                break
            if len(flat) <= 6 or parse_date(flat) or rx.search(r"星期|第\d+版|[日晚]报|報$", flat):
                continue
            if rx.fullmatch(r"\S{2,8}(?:\s+\S{2,8}){1,4}", ln.text):
                continue  # a kicker
            if self.is_title_like(flat, strict=False) or rx.search(r"[!?！？]|\.\.\.$", flat):
                candidate = ln
                break
        lead = next((compact(sec.heading).text for sec in self.doc.sections if sec.type == "news" and sec.heading), None)
        if candidate is None or (lead and self._in_unrelated_story(candidate)):
            return lead  # the page's lead story is the related one, not an unrelated item above it
        return candidate.printed

    def _in_unrelated_story(self, ln: TextLine) -> bool:
        return any(sec.type == "unrelated_news" and sec.start <= ln.start < sec.end for sec in self.doc.sections)

    @staticmethod
    def is_credit(flat: str) -> bool:
        return bool(rx.match(r"^[■□●]?\s*(责任编辑|编辑|策划|撰稿|记者|通讯员|摄影|校对|美编)", flat))

    def recipients(self) -> list[str]:
        ln = self.recipients_at
        if ln is None:
            return []
        return split_outer(ln.printed.rstrip(":：").strip())

    # --- signature ----------------------------------------------------------------
    def date_lines(self, after: int | None = None) -> list[tuple[TextLine, str]]:
        """Lines that are nothing but a date, after the head (the 成文日期 candidates)."""
        out = []
        for ln in self.lines[self.head_end if after is None else after:]:
            if "印发" in ln.flat or not _may_be_full_date(ln.flat) or self.is_furniture(ln):
                continue
            norm = parse_date(ln.flat)
            if norm and FULL_DATE.fullmatch(norm):
                out.append((ln, norm))
        return out

    def content_year(self, before: int) -> int | None:
        """The latest year the title and body speak of (dates under the signature excluded)."""
        years = [f.year for f in dates.find(self.view, 0, before) if f.year]
        return max(years) if years else None

    def signature(self) -> tuple[list[str], str | None]:
        """(issuer, date) from the block above the first cluster of date lines."""
        if self.genre != "notice":
            return [], None
        found = self.date_lines()
        if not found:
            return self._unsigned_issuer(), None
        first = found[0][0]
        cluster = [(ln, norm) for ln, norm in found if ln.index - first.index <= 6]
        date = cluster[0][1]
        if len(cluster) > 1:
            date = self._settle(cluster, first.start)
        issuer: list[TextLine] = []
        k = self.lines.index(first) - 1
        while k >= 0 and len(issuer) < 4:
            ln = self.lines[k]
            if not self.is_signer(ln):
                break
            issuer.insert(0, ln)
            k -= 1
        if not issuer:  # bodies signing under the date (a joint 落款 of web copies)
            k = self.lines.index(cluster[-1][0]) + 1
            while k < len(self.lines) and len(issuer) < 4 and self.is_signer(self.lines[k]) and \
                    rx.search(r"(办公室|政府|委员会|局|委|办|厅|部|指挥部|领导小组|中心)$", self.lines[k].flat):
                issuer.append(self.lines[k])
                k += 1
        names = [n for ln in issuer for n in rx.split(r"\s{2,}", self.doc.raw[ln.start:ln.end]) if n.strip()]
        return [compact(n).text.replace("*", "") for n in names], date

    def _settle(self, cluster: list[tuple[TextLine, str]], before: int) -> str:
        year = self.content_year(before)
        ok = [(ln, n) for ln, n in cluster if year is None or int(n[:4]) >= year]
        chosen = ok[0] if ok else cluster[-1]
        for ln, n in cluster:
            if (ln, n) is not chosen and n != chosen[1]:
                self.doc.flag("date_inconsistent",
                              f"成文日期 {n} disagrees with the content ({year}); {chosen[1]} kept",
                              ln.start + ln.indent, ln.start + len(self.view[ln.start:ln.end].rstrip()))
        return chosen[1]

    def is_signer(self, ln: TextLine) -> bool:
        flat = ln.flat
        if len(flat) > 60 or SENTENCE_PUNCT.search(flat) or ":" in flat or "：" in flat:
            return False
        if NUMBERED.match(flat) or parse_date(flat):
            return False
        return bool(HAN4.search(flat))

    def _unsigned_issuer(self) -> list[str]:
        """No date printed: a far-indented organisation name closing the notice signs it."""
        tail = [ln for ln in self.lines[self.head_end:] if not self.is_furniture(ln)]
        if tail and tail[-1].indent >= 20 and self.is_signer(tail[-1]):
            return [tail[-1].printed]
        return []

    def issuer_from_title(self, title: str | None) -> list[str]:
        """`遵义市人民政府办公室关于…的通报`: the body named before 关于 issues it."""
        if title and "关于" in title[2:]:
            head = title[: title.index("关于", 2)]
            if rx.search(r"(办公室|政府|委员会|局|委|办|厅|部|指挥部|领导小组)$", head):
                return [head]
        return []

    def news_date(self) -> str | None:
        """A news page's printed date line (the paper's date, `发布时间:…`)."""
        for ln in self.lines[:15]:
            m = rx.match(r"^(?P<label>[^:：]{1,6})\s*[:：]\s*(?P<value>.+)$", ln.text)
            if m and rx.sub(r"\s", "", m["label"]) in self.cfg["meta"]["news_date"]:
                found = dates.find(m["value"])
                if found and found[0].norm and len(found[0].norm) == 10:
                    return found[0].norm
            # the paper's date line: `2024年5月10日 星期五`, `5月20日 星期一 A2 要闻`; a post's
            # `丰源发布 2024-09-05 18:30 发表于湖南`
            if "星期" in ln.flat or rx.search(r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}|发表于|发布于", ln.text):
                found = dates.find(ln.text)
                if found and found[0].kind in ("date", "iso", "monthday"):
                    return found[0].norm
            if self.is_body(ln):
                break
        return None

    def speech_date(self) -> str | None:
        """A speech's date, printed under its title: `（2024年3月22日）`."""
        for ln in self.lines[: self.head_end + 1]:
            norm = parse_date(ln.flat.strip("()（）"))
            if norm and FULL_DATE.fullmatch(norm):
                return norm
        return None

    # --- 版记 and 附件说明 ------------------------------------------------------------
    def labelled(self, key: str) -> list[tuple[TextLine, str]]:
        labels = "|".join(self.cfg["labels"][key])
        label = rx.compiled(rf"^(?:{labels})\s*[:：]\s*(?P<rest>.*)$")
        out = []
        for ln in self.lines:
            m = (":" in ln.flat or "：" in ln.flat) and label.match(ln.flat)
            if m:
                out.append((ln, ln.cut(m.start("rest"))))
        return out

    def attachments(self) -> list[str]:
        found = self.labelled("attachments")
        if not found:
            return []
        ln, rest = found[0]
        items = [rest] if rest else []
        k = self.lines.index(ln) + 1
        while k < len(self.lines):
            nxt = self.lines[k]
            if rx.match(r"^\d+\s*[.．、]", nxt.flat):
                items.append(nxt.printed)
            elif items and self._continues(self.lines[k - 1], nxt):
                items[-1] += nxt.printed
            else:
                break
            k += 1
        return [rx.sub(r"^\d+\s*[.．、]\s*", "", it) for it in items if it]

    def _continues(self, prev: TextLine, ln: TextLine) -> bool:
        """A PDF hard wrap: the previous item filled its line and this is a short tail."""
        full = self._full_width()
        return len(prev.flat) >= 0.8 * full and len(ln.flat) <= 12 and not self.is_signer(ln) or \
            (len(ln.flat) <= 6 and not rx.search(r"(局|委|办|部|厅|府|会|室|处|中心)$", ln.flat)
             and len(prev.flat) >= 20)

    def _full_width(self) -> int:
        """The width of a full line (read once the lines are final: after `__init__`)."""
        if self.full_width is None:
            widths = sorted(len(x.flat) for x in self.lines)
            self.full_width = widths[int(len(widths) * 0.9)] if widths else 0
        return self.full_width

    def cc(self) -> list[str]:
        found = self.labelled("cc")
        if not found:
            return []
        parts = rx.split(r"[，,、；;]", found[0][1].rstrip("。."))
        return [p for p in (x.strip() for x in parts) if p]


    def printed_by(self) -> tuple[str, str] | None:
        """The 印发 line: `温州市龙湾区人民政府办公室 2006年2月16日印发` -> (office, date)."""
        for ln in reversed(self.lines):
            m = "印发" in ln.text and PRINTED_BY_LINE.match(ln.text)
            if m:
                return compact(m["org"]).text, parse_date(m["date"]) or ""
        return None


def without_junk(title: str | None, patterns: list[str]) -> str | None:
    """A title with the phrases of anti-scraping and SEO tools cut out."""
    if title is None:
        return None
    for pattern in patterns:
        title = rx.sub(pattern, "", title)
    return title or None


def read_elements(doc: Document) -> Document:
    r = Reader(doc)
    doc.title = without_junk(r.title(), r.cfg["junk"])
    doc.doc_number = r.doc_number() if r.genre == "notice" else None
    doc.recipients = r.recipients()
    issuer, date = r.signature()
    if r.genre == "notice":
        if not issuer and "issuer" in r.meta:
            issuer = [compact(r.meta["issuer"][0]).text]
        if not issuer:
            issuer = r.issuer_from_title(doc.title)
        if date is None and "date" in r.meta:  # `公文生成日期:2025-10-30`, `发布时间:2024-03-15 09:30 来源:…`
            found = dates.find(r.meta["date"][0])
            date = found[0].norm if found and found[0].start == 0 and found[0].kind in ("date", "iso") else None
    elif r.genre == "newspaper":
        date = r.news_date()
    else:
        date = r.speech_date()
    doc.issuer, doc.date = issuer, date
    doc.attachments = r.attachments()
    doc.cc = r.cc() if r.genre == "notice" else []
    printed = r.printed_by()
    if printed:
        doc.work["printed_by"], doc.work["printed_date"] = printed
    doc.work["year"] = int(date[:4]) if date and date[0].isdigit() else dates.main_year(doc.work["view"])
    return doc


@register("elements")
def make_elements():
    return read_elements
