"""Stage 'commitments': who promised what.

A commitment is one sentence (a `；` clause counts as one) in which a speaker
pledges or plans an action.  Cues are matched on the simplified, whitespace-free
view, so traditional script and PDF spacing read the same; vocabulary lives in
configs/commitments.toml.  How a section is read depends on its type:

* `pledge_speech`: the speech of the section's `speaker` (else the unit its
  title or a `我代表X` names, else its first-person word).  The pledge starts at
  the first sentence with a cue (`下一步`, `郑重承诺`, `我们将`, `我区…要` …);
  from there every sentence that states an action is one, so lead phrases
  (`思想认识再提高。`) and their elaborations are kept, each on its own.
  Background, self-criticism and feelings (`让我们深感愧疚`) are left out; a bare
  announcement (`我代表X郑重表态：`) opens the pledge without being one.
* `news`, `unrelated_news`, `notice_body` (and a speech whose title calls it a
  leader's 讲话): only what the text attributes to a committing party: a unit that
  plans in the third person (`高新区将…`, then the rest of that paragraph: a work
  plan), a reported pledge (`…责任人表示，要…`, likewise to the paragraph's end),
  a quoted pledge (`“…我们要…”，党委书记秦振衡说`) or a subject-less `下一步将…`
  after `X局局长认为…`.  Directives to others (`王伟强调，要…`, `各级各部门要…`,
  `请各单位…`) are never commitments, nor is what a unit receives (`红榜村将获得…`,
  `将被约谈`).  A low rank admitted (`我区排名靠后`) is self-criticism in its own
  clause only: `对排名靠后深感压力，将立即…` and `将对排名末位的单位…` are pledges.

A numbered lead phrase (`一是开展专项整治…。`) is one commitment together with
the sentence that elaborates it.  A quoted pledge's speaker is the unit its
speaker is introduced with (`市文联主席陈锐锋` -> 市文联), else the person.
Speakers are given as the raw text prints them.  Sentences repeated word for
word (a page printed twice) are kept once; characters flagged `ocr_noise` never
hold a cue and are left out of the text; an outer pair of quotation marks is
dropped from the text (the span still covers them).

Extra keys on each commitment (besides the contract's): `speaker_full`, the
speaker's full name (`pipeline.units.full_name` for a unit, the name as printed
for a person), and `rank` / `grade` of the record of the same unit when the
document ranks it (the pledge of the unit ranked last carries that rank).
"""
from __future__ import annotations

import bisect
import functools
import logging
from dataclasses import dataclass
from itertools import accumulate

import regex
from mypy_extensions import mypyc_attr

from . import config, rx, segmenter
from .model import Commitment, Document, Record, Section
from .normalise import Compact, clean, compact, squeeze, squeezer
from .registry import register

log = logging.getLogger("tongbao")


@mypyc_attr(native_class=False)  # (compiled: a native class cannot extend model's uncompiled Commitment)
@dataclass
class RankedCommitment(Commitment):
    """A Commitment with the speaker's full name and the rank of its unit."""
    speaker_full: str | None = None
    rank: int | None = None
    grade: str | None = None


@dataclass(slots=True)
class Sentence:
    start: int      # raw span, surrounding whitespace excluded
    end: int
    text: str       # folded view, whitespace dropped: what cues are matched on
    quoted: bool    # opens with a quotation mark


@dataclass
class Cue:
    trigger: str
    kind: str                   # pledge | first_person | unit | report
    subject: str | None = None  # who commits, when the sentence names it
    at: int = 0                 # where the trigger stands in Sentence.text


# the longest `who` an attribution verb may follow (`市文联主席陈锐锋说`), in characters
ATTRIBUTION_WHO_MAX = 30


def _key_chars(words) -> regex.Pattern:
    """A character class that each of the words holds one of (`将` for 也将, 还将, 将要…):
    a text none of the class is in holds none of the words."""
    if not words or not all(words):
        return regex.compile("")  # (no words, or an empty one: every text passes)
    keys: list[str] = []
    left = [set(w) for w in words]
    while left:
        ch = max(sorted(set().union(*left)), key=lambda c: sum(c in w for w in left))
        keys.append(ch)
        left = [w for w in left if ch not in w]
    return regex.compile("[%s]" % regex.escape("".join(keys)))


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def rules() -> dict:
    cfg = config.load("commitments")
    cues, exc, run = cfg["cues"], cfg["exclude"], cfg["run"]
    punct = "，,。；;：:“”‘’\"「」『』（）()《》、！？!?"
    return {
        "types": set(cfg["section_types"]),
        "end": set(cfg["sentence_end"]),
        "close": set(cfg["closing_quotes"]),
        "open": set(cfg["opening_quotes"]),
        # where split_sentences may cut: an end mark or an opening quote
        "cut_marks": regex.compile("[%s]" % regex.escape(cfg["sentence_end"] + cfg["opening_quotes"])),
        "close_mark": regex.compile("[%s]" % regex.escape(cfg["closing_quotes"])),
        "pledge": regex.compile(r"(?:(?:^|[，,：:“「『\"])(?:" + _alt(cues["pledge_lead"]) + ")|"
                                + _alt(cues["pledge"]) + ")"),
        # the words each cue pattern needs: a sentence holding none of them is not searched
        "needs": {"unit": _key_chars(cues["unit_modal"]), "report": _key_chars(cues["report"]),
                  "pledge": _key_chars(cues["pledge_lead"] + cues["pledge"]),
                  "first_person": _key_chars(cues["first_person"])},
        # the union of those: a sentence (or paragraph) holding none of it holds no cue
        "any_cue": _key_chars(cues["unit_modal"] + cues["report"] + cues["pledge_lead"] + cues["pledge"]
                              + cues["first_person"]),
        "first_person": regex.compile(
            r"(?:" + _alt(cues["first_person"]) + r")[^。；;！？]{0,%d}?(?P<m>%s)"
            % (cues["modal_reach"], _alt(cues["modal"]))),
        "not_modal": regex.compile(_alt(cues["not_modal"])),
        "unit": regex.compile(r"(?:^(?:%s)?|[，,：:])(?P<s>[^%s]{1,20}?)(?P<m>%s)"
                              % (run["news_lead"].lstrip("^"), regex.escape(punct.replace("、", "")),
                                 _alt(cues["unit_modal"]))),
        "unit_suffix": regex.compile(r"(?:" + _alt(cues["unit_suffix"]) + r")$"),
        "masked": regex.compile(cues["masked_unit"]),
        "subject_prefix": regex.compile(r"^(?:" + _alt(cues["subject_prefix"]) + ")+"),
        "not_subject": set(cues["not_subject"]),
        "not_subject_head": cues["not_subject_head"],
        # the modal opens what is reported, or the clause after one of feeling
        # (`城东街道表示，对排名靠后深感压力，将立即…`)
        "report": regex.compile(r"(?:^|[，,。])(?P<s>[^%s]{2,24}?)(?<!郑重)(?:%s)[，,：:]"
                                r"(?:[^，,。；;]{1,16}[，,])??[^，,。；;]{0,8}?(?P<m>%s)"
                                % (regex.escape(punct), _alt(cues["report"]), _alt(cues["report_modal"]))),
        "pledge_lead": regex.compile(r"^(?:" + _alt(cues["pledge_lead"]) + ")"),
        "first_person_word": regex.compile(_alt(cues["first_person"])),
        "first_person_head": regex.compile(r"^(?:我|本人|" + _alt(cues["first_person"]) + ")"),
        "titles": regex.compile(r"(?:" + _alt(cues["titles"]) + ")"),
        "attribution": regex.compile(r"(?P<who>[^%s]{2,%d}?)(?:%s)"
                                     % (regex.escape(punct), ATTRIBUTION_WHO_MAX, _alt(cues["attribution"]))),
        "attribution_words": tuple(cues["attribution"]),
        "directive": regex.compile(r"(?:%s)|(?<!(?:%s)[^，,。；]{0,12})(?:%s)(?=[，,:：]|各)"
                                   % (_alt(exc["directive"]), _alt(exc["standard"]), _alt(exc["directive_soft"]))),
        "directive_start": regex.compile(r"^(?:" + _alt(exc["directive_start"]) + ")"),
        "pronouns": set(cues["pronouns"]),
        "directive_subject": regex.compile(r"^(?:%s)" % _alt(exc["directive_subject"])),
        "directive_modal": regex.compile(_alt(exc["directive_modal"])),
        "self_criticism": regex.compile("|".join(exc["self_criticism"])),
        "cognition": regex.compile(_alt(exc["cognition"])),
        "event": regex.compile(_alt(exc["event"])),
        "receive": regex.compile(_alt(exc["receive"])),
        "low_rank": regex.compile("|".join(exc["low_rank"])),
        "byline_reach": cues["byline_reach"],
        "on_behalf": regex.compile(cues["on_behalf"]),
        "title_speaker": regex.compile(cues["title_speaker"]),
        "we_are": [regex.compile(p) for p in cues["we_are"]],
        "joiners": regex.compile(_alt(cues["speaker_joiners"])),
        "governing": regex.compile(r"(?:" + _alt(cues["governing_bodies"]) + ")$"),
        "leader_speech": cues["leader_speech"],
        "pledge_title": cues["pledge_title"],
        "action": regex.compile(_alt(run["action"])),
        "numbered": regex.compile(run["numbered_lead"]),
        "news_lead": regex.compile(run["news_lead"]),
        "lead_max": run["lead_max"],
        "numbered_max": run["numbered_lead_max"],
    }


# --------------------------------------------------------------------- sentences

def split_sentences(view: str, start: int, end: int, squeeze=squeeze) -> list[Sentence]:
    """The sentences of view[start:end]: cut after an end mark (and the closing
    quotes that follow it), and before a quoted utterance introduced by `，` or
    `：` (`…秦振衡说，“创建…！”` gives the quote a sentence of its own).
    `squeeze`: normalise.squeezer(view), when the caller has it."""
    r = rules()
    cuts, after = [start], start
    for m in r["cut_marks"].finditer(view, start, end):
        i = m.start()
        if i < after:  # (inside the closing quotes after an end mark)
            continue
        if view[i] in r["end"]:
            j = i + 1
            while j < end and (view[j] in r["close"] or view[j] in " \t"):
                j += 1
            cuts.append(j)
            after = j
        elif _opens_utterance(view, start, i, end):
            cuts.append(i)
    cuts.append(end)
    out, opening = [], r["open"]
    for a, b in zip(cuts, cuts[1:]):
        piece = view[a:b]
        body = piece.strip()  # first: str.strip() takes \x1c-\x1f for space, regex's squeeze does not
        text = squeeze(body)
        if text and _HAN.search(text):
            a += len(piece) - len(piece.lstrip())
            out.append(Sentence(a, a + len(body), text, text[0] in opening))
    return out


_HAN = regex.compile(r"\p{Han}")


def _opens_utterance(view: str, lo: int, i: int, hi: int) -> bool:
    """Is the quote opening at i a whole utterance after `说，` (ends with an end mark)?"""
    k = i - 1
    while k >= lo and view[k].isspace():
        k -= 1
    if k < lo or view[k] not in "，,：:":
        return False
    close = rules()["close_mark"].search(view, i + 1, hi)
    return close is not None and view[close.start() - 1] in "。！？!?…"


# -------------------------------------------------------------------------- cues

def find_cue(text: str) -> Cue | None:
    """The cue that makes this sentence a pledge, if any (text: compact view).
    A unit named after a report verb commits itself (`冯志刚表示，市政府将…`)."""
    r = rules()
    if not r["any_cue"].search(text):
        return None
    needs = r["needs"]
    units = [Cue(m["m"], "unit", subj, m.start("m")) for m in r["unit"].finditer(text)
             if _is_modal(text, m.start("m")) and not r["event"].match(text, m.end("m"))
             and _acts(text, m.end("m")) and (subj := _subject(m["s"]))] if needs["unit"].search(text) else []
    for m in r["report"].finditer(text) if needs["report"].search(text) else ():
        if (r["first_person_head"].match(m["s"]) or not _is_modal(text, m.start("m"))
                or not _acts(text, m.end("m"))):
            continue
        after = [u for u in units if u.at > m.start("s")]
        if after:
            return after[0]
        subject = _subject(m["s"], report=True)
        if subject:
            return Cue(m["m"], "report", subject, m.start("m"))
    if units:
        return units[0]
    m = r["pledge"].search(text) if needs["pledge"].search(text) else None
    if m:
        at = m.start() + (1 if text[m.start()] in "，,：:“「『\"" else 0)
        return Cue(text[at:m.end()], "pledge", None, at)
    for m in r["first_person"].finditer(text) if needs["first_person"].search(text) else ():
        if _is_modal(text, m.start("m")) and _acts(text, m.end("m")):
            return Cue(text[m.start():m.end("m")] if m.end("m") - m.start() <= 4 else m["m"],
                       "first_person", None, m.start("m"))
    return None


def _is_modal(text: str, i: int) -> bool:
    """Is text[i] a modal, not part of 主要 / 要求 / 将来 …?"""
    nm = rules()["not_modal"]
    return not (nm.match(text, i) or (i > 0 and nm.match(text, i - 1)))


def _acts(text: str, i: int) -> bool:
    """Does the modal ending at i lead an action, not something received or
    undergone (`将获得…资金`, `将被约谈`)?"""
    return not rules()["receive"].match(text, i)


def _subject(words: str, report: bool = False) -> str | None:
    """A committing unit (or reported speaker) named by `words`, else None."""
    r = rules()
    words = r["pledge_lead"].sub("", words)
    words = r["subject_prefix"].sub("", words)
    if not words or words in r["not_subject"] or words.startswith(r["not_subject_head"]):
        return None
    if r["masked"].match(words):
        return words
    if report:
        unit, person = split_person(words)
        return unit or person or words
    if len(words) > 16 or rx.search(r"[^\p{Han}、]", words):
        return None
    return words if r["unit_suffix"].search(words) else None


def split_person(words: str) -> tuple[str | None, str | None]:
    """(unit, person) of `市文联主席陈锐锋`-like words: the unit before the last
    title, the name after it (either may be None)."""
    r = rules()
    titles = list(r["titles"].finditer(words))
    if not titles:
        return None, None
    t = titles[-1]
    before, after = words[:t.start()], words[t.end():]
    unit = before if before and r["unit_suffix"].search(before) else None
    person = None
    if after:
        first = segmenter.cut(after)[0]
        if 2 <= len(first) <= 4 and rx.fullmatch(r"\p{Han}+", first):
            person = first
    return unit, person


def excluded(text: str, cue: Cue | None) -> bool:
    """Self-criticism, background, or a directive to others."""
    r = rules()
    if r["self_criticism"].search(text) or admits_low_rank(text, cue):
        return True
    before = text[:cue.at] if cue else text[:12]
    if r["directive"].search(before):
        return True
    if cue and cue.kind in ("first_person", "pledge") and r["cognition"].match(
            text, cue.at + len(cue.trigger)) or cue and r["cognition"].search(text, cue.at, cue.at + 8):
        return True
    if cue is None and r["directive_start"].match(text):
        return True
    if cue is None:
        return _asks_others(text)
    # `今后，各地要…`: a time cue before a directive
    return cue.kind == "pledge" and _asks_others(text[cue.at + len(cue.trigger):].lstrip("，,：: "))


def admits_low_rank(text: str, cue: Cue | None) -> bool:
    """`我区排名靠后，…`: a low rank admitted in the clause that would pledge.  A rank
    before the modal's clause is background to the pledge that follows
    (`对排名靠后深感压力，将立即开展…`); one after the modal names whom the action
    is about (`将对排名末位的单位进行督查`)."""
    for m in rules()["low_rank"].finditer(text):
        if cue is None or (m.start() < cue.at and _clause(text, m.start()) == _clause(text, cue.at)):
            return True
    return False


def _clause(text: str, i: int) -> int:
    """Which clause of the sentence text[i] stands in (clauses end at ，；：)."""
    return len(rx.findall(r"[，,；;：:]", text[:i]))


def _asks_others(text: str) -> bool:
    """`各级各有关部门要…`: a directive addressed to others."""
    r = rules()
    if not r["directive_subject"].match(text):
        return False
    clause = rx.split(r"[，,。；;]", text)[0][:24]
    return any(_is_modal(clause, m.start()) for m in r["directive_modal"].finditer(clause))


def announces(text: str, cue: Cue) -> bool:
    """`在此，我代表枫林区郑重表态：`: a pledge cue with nothing after it opens
    the pledge that follows but pledges nothing itself."""
    return cue.kind == "pledge" and not rx.search(r"\p{Han}", text[cue.at + len(cue.trigger):])


def states_action(text: str) -> bool:
    return bool(rules()["action"].search(text))


# ----------------------------------------------------------------------- reading

def paragraphs_of(doc: Document, section: Section) -> list[tuple[int, int]]:
    """The section's paragraphs (PDF wraps re-joined), clipped to the section."""
    paras, ends = _paragraph_spans(doc)
    out = []
    # (paragraphs come in order, as normalise makes them: from the first that ends after the
    # section's start, to the first that starts after its end)
    for start, end in paras[bisect.bisect_right(ends, section.start):]:
        if start >= section.end:
            break
        a, b = max(start, section.start), min(end, section.end)
        if a < b:
            out.append((a, b))
    return out or [(section.start, section.end)]


def _paragraph_spans(doc: Document) -> tuple[list[tuple[int, int]], list[int]]:
    """The paragraphs' spans and their ends (computed once per document)."""
    if "commitments_paragraphs" not in doc.work:
        found = doc.work.get("paragraphs") or []
        doc.work["commitments_paragraphs"] = [(p.start, p.end) for p in found], [p.end for p in found]
    return doc.work["commitments_paragraphs"]


def read_speech(doc: Document, section: Section, view: str) -> list[tuple[Sentence, Cue | str, str | None]]:
    """(sentence, cue or the pledge's opening trigger, speaker) of a pledge speech."""
    found: list[tuple[Sentence, Cue | str, str | None]] = []
    opened: str | None = None
    own = (section.speaker or speaks_for(view, section.start, section.end, doc.title)
           or doc.work.get("commitment_speaker") or whole_text_speaker(doc, view))
    doc.work["commitment_speaker"] = own  # a speech cut by page furniture goes on in a later section
    may_cue, squeeze_piece = rules()["any_cue"], doc.work.get("commitments_squeeze", squeeze)
    for a, b in paragraphs_of(doc, section):
        if not opened and not may_cue.search(view, a, b):
            continue  # (before the pledge opens only a cue counts, and none can be here)
        for s in split_sentences(view, a, b, squeeze_piece):
            cue = find_cue(s.text)
            if excluded(s.text, cue):
                continue
            if cue and cue.kind == "report":
                found.append((s, cue, cue.subject))
            elif cue:
                opened = opened or cue.trigger
                if not announces(s.text, cue):
                    speaker = own or cue.subject or _first_person(s.text)
                    found.append((s, cue, speaker))
            elif opened and states_action(s.text):
                found.append((s, opened, own or found[-1][2]))
    return found


def whole_text_speaker(doc: Document, view: str) -> str | None:
    """speaks_for over the whole text, computed once per document."""
    if "whole_text_speaker" not in doc.work:
        doc.work["whole_text_speaker"] = speaks_for(view, 0, len(view), doc.title)
    return doc.work["whole_text_speaker"]


def speaks_for(view: str, start: int, end: int, title: str | None = None) -> str | None:
    """The unit a speech names itself, when segment gave none: by its title
    (`市交通运输局在…会议上的表态发言`) or its text (`我代表市文明办郑重表态`,
    `我们文坛社区都要…`, `望江区排名靠后,我们…`)."""
    r = rules()
    m = r["title_speaker"].match(rx.sub(r"\s", "", title or ""))
    if m and r["unit_suffix"].search(m["u"]):
        return m["u"]
    text = squeeze(view[start:end])
    for line in view[start:min(end, start + r["byline_reach"])].splitlines():
        unit, person = split_person(squeeze(line))
        if unit and person:
            return unit
    m = r["on_behalf"].search(text)
    if m:
        unit = r["joiners"].split(m["u"])[0]
        bare = r["governing"].sub("", unit)
        return bare if bare and r["unit_suffix"].search(bare) else unit
    named = [m["u"] for pattern in r["we_are"] for m in pattern.finditer(text)
             if r["unit_suffix"].search(m["u"])]
    # the unit named most often (`我们北辛街道…，我们文坛社区…我们文坛社区` -> 文坛社区)
    return max(reversed(named), key=named.count) if named else None


def _first_person(text: str) -> str | None:
    """`我们`, `我区` …: the only name a speech without a named speaker gives itself."""
    m = rules()["first_person_word"].search(text)
    return m.group() if m else None


def is_leader_speech(doc: Document) -> bool:
    """Titled as a leader's speech (讲话) and not as a pledge (表态发言)."""
    r, title = rules(), doc.title or ""
    return any(w in title for w in r["leader_speech"]) and not any(w in title for w in r["pledge_title"])


def read_news(doc: Document, section: Section, view: str) -> list[tuple[Sentence, Cue | str, str | None]]:
    """(sentence, cue or the plan's trigger, speaker) of a news item or notice body."""
    found: list[tuple[Sentence, Cue | str, str | None]] = []
    may_cue, squeeze_piece = rules()["any_cue"], doc.work.get("commitments_squeeze", squeeze)
    for a, b in paragraphs_of(doc, section):
        if not may_cue.search(view, a, b):
            continue  # (what is found in a paragraph starts at a cue, and none can be here)
        sents = split_sentences(view, a, b, squeeze_piece)
        inside_quote = _QuoteDepth(view, a)
        plan: tuple[str | None, str] | None = None  # (speaker, trigger) of a work plan
        voice = _Voice(doc, view, sents)         # the last `X局局长认为` in the paragraph
        before = _Attributions(view, a, b)         # the `X说，` before a quote, when one asks
        for k, s in enumerate(sents):
            if s.quoted or inside_quote.at(s.start):
                voice.quoted.add(k)
                cue = _quote_cue(s.text)
                if cue and not excluded(s.text, cue):
                    speaker = cue.subject or quote_speaker(doc, view, b, s, before)
                    if speaker:
                        found.append((s, cue, speaker))
                continue
            cue = find_cue(s.text)
            if cue and not excluded(s.text, cue):
                if cue.kind == "unit":
                    if k == 1 and _is_lead(sents[0].text) and not found_has(found, sents[0]):
                        found.append((sents[0], cue.trigger, cue.subject))
                    found.append((s, cue, cue.subject))
                    plan = (cue.subject, cue.trigger)
                    continue
                if cue.kind == "report":  # what follows in the paragraph is still the report
                    speaker = voice.at(k) if cue.subject in rules()["pronouns"] else cue.subject
                    if speaker:
                        found.append((s, cue, speaker))
                        plan = (speaker, cue.trigger)
                    continue
                # `下一步将…` after `X局局长认为…`; a speech typed as news
                speaker = voice.at(k) or whole_text_speaker(doc, view)
                if speaker:
                    if not announces(s.text, cue):
                        found.append((s, cue, speaker))
                    plan = (speaker, cue.trigger)
                    continue
            if plan and not excluded(s.text, None) and states_action(s.text):
                found.append((s, plan[1], plan[0]))
    return found


def found_has(found, sentence: Sentence) -> bool:
    return any(f[0].start == sentence.start for f in found)


def _is_lead(text: str) -> bool:
    """A marked lead phrase of a work plan: `——抓好思想建设，厚植文明理念。`."""
    r = rules()
    return bool(r["news_lead"].match(text)) and len(text) <= r["lead_max"] + 2 and text[-1] in "。.!！"


def _quote_cue(text: str) -> Cue | None:
    """A pledge in a quotation: the speaker's own voice, or a unit's plan (`…象山区将…`)."""
    cue = find_cue(text)
    return cue if cue and cue.kind != "report" else None


_QUOTE_MARK = regex.compile("[“「『”」』]")


class _QuoteDepth:
    """How many quotations are open at a position of a paragraph starting at lo, asked
    at ascending positions: each one only reads the quote marks since the last."""
    def __init__(self, view: str, lo: int):
        self.view, self.pos, self.depth = view, lo, 0

    def at(self, i: int) -> bool:
        for m in _QUOTE_MARK.finditer(self.view, self.pos, max(i, self.pos)):
            if m.group() in "“「『":
                self.depth += 1
            elif self.depth:
                self.depth -= 1
        self.pos = max(i, self.pos)
        return self.depth > 0


class _Voice:
    """The unit (or person) the last attribution up to a sentence of a paragraph names
    (`X局局长认为…`), quoted sentences left out: read only when a cue asks for it."""
    def __init__(self, doc: Document, view: str, sents: list[Sentence]):
        self.doc, self.view, self.sents = doc, view, sents
        self.quoted: set[int] = set()   # the quoted sentences, as far as the reader got
        self.upto = 0
        self.last: str | None = None

    def at(self, k: int) -> str | None:
        for j in range(self.upto, k + 1):
            if j not in self.quoted:
                self.last = _voice(self.doc, self.view, self.sents[j].text) or self.last
        self.upto = max(self.upto, k + 1)
        return self.last


def _voice(doc: Document, view: str, text: str) -> str | None:
    """The unit (or person) that an attribution in this sentence names."""
    m = _attribution(text)
    if not m:
        return None
    return speaker_of(doc, view, m["who"])


def _attribution(text: str):
    """rules()["attribution"].search(text), started where it can first match: an attribution
    starts at most ATTRIBUTION_WHO_MAX characters before the first attribution verb (a
    lazy search from the sentence start costs 30 tries a character)."""
    r = rules()
    first = min((i for w in r["attribution_words"] if (i := text.find(w)) >= 0), default=-1)
    if first < 0:
        return None
    return r["attribution"].search(text, max(0, first - ATTRIBUTION_WHO_MAX))


def speaker_of(doc: Document, view: str, who: str) -> str | None:
    """`市文联主席陈锐锋` -> 市文联; `党委书记秦振衡` -> 秦振衡; `陈锐锋` -> the unit it
    is introduced with elsewhere in the document, else 陈锐锋."""
    who = rx.split(r"[，,。；]", who)[-1]
    unit, person = split_person(who)
    if unit:
        return unit
    name = person or (who if 2 <= len(who) <= 4 and rx.fullmatch(r"\p{Han}+", who) else None)
    if not name:
        return None
    text = _squeezed(view)
    for m in rx.finditer(regex.escape(name), text):
        lead = rx.split(r"[，,。；：:“”]", text[max(0, m.start() - 24):m.start()])[-1]
        u, _ = split_person(lead + name)
        if u:
            return u
    return name


@functools.lru_cache(maxsize=4)
def _squeezed(view: str) -> str:
    return squeeze(view)


def quote_speaker(doc: Document, view: str, hi: int, s: Sentence, before: "_Attributions") -> str | None:
    """Who a quoted sentence belongs to: the attribution after its quotation
    (up to the next quote), else the last one of its paragraph before it."""
    r = rules()
    close = next((j for j in range(s.start, hi) if view[j] in "”」』"), None)
    if close is not None:
        nxt = next((j for j in range(close + 1, hi) if view[j] in r["open"]), hi)
        after = squeeze(view[close + 1:nxt])
        m = r["attribution"].search(after)
        if m:
            return speaker_of(doc, view, m["who"])
    who = before.last_before(s.start)
    return speaker_of(doc, view, who) if who else None


class _Attributions:
    """The attributions of a paragraph (`党委书记X说，`), found in one pass over its squeezed
    text when a quote first asks: a paragraph of many quotes is not read again for each."""

    def __init__(self, view: str, lo: int, hi: int) -> None:
        self.view, self.lo, self.hi = view, lo, hi
        self.flat: Compact | None = None
        self.found: list = []  # the matches, in order (they never overlap: their ends ascend)
        self.ends: list[int] = []

    def last_before(self, at: int) -> str | None:
        """The `who` of the last attribution in view[lo:at] (squeezed), as a search of that
        text alone finds it."""
        pattern = rules()["attribution"]
        if self.flat is None:
            self.flat = compact(self.view, self.lo, self.hi)
            self.found = list(pattern.finditer(self.flat.text))
            self.ends = [m.end() for m in self.found]
        pos = bisect.bisect_left(self.flat.offsets, at)  # squeezed characters before `at`
        k = bisect.bisect_right(self.ends, pos)  # the matches that end by then
        if k < len(self.found) and self.found[k].start() < pos:
            # one runs past `at`: cut there, the text may match otherwise (rare)
            ms = list(pattern.finditer(self.flat.text[:pos]))
            return ms[-1]["who"] if ms else None
        return self.found[k - 1]["who"] if k else None


# ----------------------------------------------------------------------- output

def merge_numbered(view: str, found: list) -> list:
    """`一是开展专项整治…。` joins the sentence that elaborates it."""
    r, out, skip = rules(), [], set()
    for k, (s, cue, speaker) in enumerate(found):
        if k in skip:
            continue
        if (r["numbered"].match(s.text) and len(s.text) <= r["numbered_max"] and k + 1 < len(found)
                and "\n\n" not in view[s.end:found[k + 1][0].start]
                and not view[s.end:found[k + 1][0].start].strip()):
            n = found[k + 1][0]
            s = Sentence(s.start, n.end, s.text + n.text, s.quoted)
            skip.add(k + 1)
        out.append((s, cue, speaker))
    return out


def unnumbered(view: str, start: int, end: int) -> int:
    """Where a sentence starts once its numbering (`一是`, `第一,`, `（二）`, `1.`) is
    dropped: a numbered pledge is given without its number."""
    m = rules()["numbered"].match(view[start:end])
    i = start + m.end() if m else end
    if i >= end:
        return start
    while i < end and (view[i].isspace() or view[i] in "，,、:："):
        i += 1
    return i if i < end else start


def display(doc: Document, start: int, end: int, noise: list[tuple[int, int]]) -> tuple[int, int, str]:
    """Raw span and cleaned text of a sentence: ocr_noise (`ocr_noise_spans(doc)`) left out,
    an outer pair of quotation marks dropped."""
    return start, end, unquote(clean(_without(doc.raw, start, end, noise) if noise else doc.raw[start:end]))


def _without(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """text[start:end] without the characters inside the spans (sorted by start, none empty)."""
    pieces, pos = [], start
    for a, b in spans:
        if a >= end:
            break
        if a > pos:
            pieces.append(text[pos:a])
        pos = max(pos, b)
    if pos < end:
        pieces.append(text[pos:end])
    return "".join(pieces)


def ocr_noise_spans(doc: Document) -> list[tuple[int, int]]:
    """The ocr_noise spans that hold a character, by start."""
    return sorted((f.start, f.end) for f in doc.flags
                  if f.code == "ocr_noise" and f.start is not None and f.end is not None and f.start < f.end)


PAIRS = {"“": "”", "「": "」", "『": "』"}


def unquote(text: str) -> str:
    """Drop the quotation marks around a quoted sentence, and a half of a pair that
    the sentence cut left unmatched (`“A。` / `B。”`)."""
    if text and text[0] in PAIRS and PAIRS[text[0]] not in text[1:-1]:
        text = text[1:-1] if text.endswith(PAIRS[text[0]]) else text[1:]
    elif text and text[-1] in PAIRS.values():
        opener = next(o for o, c in PAIRS.items() if c == text[-1])
        if opener not in text:
            text = text[:-1]
    return text


def printed(doc: Document, view: str, section: Section, name: str) -> str:
    """The speaker as the raw text prints it (traditional script stays traditional):
    cues are matched on the simplified view, which has the same offsets."""
    i = view.find(name, section.start, section.end)
    if i < 0:
        i = view.find(name)
    return doc.raw[i:i + len(name)] if i >= 0 else name


class _RankIndex:
    """The record of a speaker's unit among a document's ranked or graded records, without a
    pass over them per speaker: the first record that the speaker names (its unit or full
    name), that the speaker ends with (a unit of two characters or more), or that ends with
    the speaker (a speaker of three characters or more)."""
    def __init__(self, ranked: list[Record]):
        self.ranked = ranked
        self.named: dict[str, int] = {}   # unit or full name -> first record
        self.units: dict[str, int] = {}   # unit of two characters or more -> first record
        for k, rec in enumerate(ranked):
            self.named.setdefault(rec.unit, k)
            if rec.unit_full is not None:
                self.named.setdefault(rec.unit_full, k)
            if len(rec.unit) >= 2:
                self.units.setdefault(rec.unit, k)
        # the units one after the other, each closed by \x00: a unit ending with the speaker
        # is where `speaker\x00` is first found
        self.joined = "".join(rec.unit + "\x00" for rec in ranked)
        self.starts = list(accumulate((len(rec.unit) + 1 for rec in ranked), initial=0))

    def find(self, speaker: str) -> Record | None:
        best = self.named.get(speaker, len(self.ranked))
        for i in range(len(speaker) - 1):  # (the speaker ends with a unit)
            k = self.units.get(speaker[i:])
            if k is not None and k < best:
                best = k
        if len(speaker) >= 3 and "\x00" not in speaker:  # (a unit ends with the speaker)
            at = self.joined.find(speaker + "\x00")
            if at >= 0:
                best = min(best, bisect.bisect_right(self.starts, at) - 1)
        return self.ranked[best] if best < len(self.ranked) else None


def full_name(doc: Document, speaker: str) -> str:
    """The unit's full name (`市盐业公司` -> `邵阳市盐业公司`) from pipeline.units when
    present; a person (no unit ending) keeps the name as printed."""
    if not rules()["unit_suffix"].search(speaker):
        return speaker
    try:
        from .units import full_name as unit_full_name
    except ImportError:
        return speaker
    try:
        return unit_full_name(doc, speaker) or speaker
    except Exception:  # an optional enrichment never costs the document its commitments
        log.debug("full_name failed for %r", speaker, exc_info=True)
        return speaker


def masked_view(doc: Document, noise: list[tuple[int, int]]) -> str:
    """The folded view with ocr_noise (`ocr_noise_spans(doc)`) blanked out (same length):
    junk never holds a cue."""
    view = doc.work.get("view", doc.raw)
    for start, end in noise:
        view = view[:start] + " " * (end - start) + view[end:]
    return view


def commitments_of(doc: Document) -> list[RankedCommitment]:
    noise = ocr_noise_spans(doc)
    view = masked_view(doc, noise)
    doc.work["commitments_squeeze"] = squeezer(view)  # (for pieces of the view)
    types = rules()["types"]
    leader = is_leader_speech(doc)
    out, seen = [], set()
    ranked = None
    # speakers repeat: one lookup each of their rank and full name
    rank_memo: dict[str, Record | None] = {}
    full_memo: dict[str, str] = {}
    for section in doc.sections:
        if section.type not in types:
            continue
        reader = read_speech if section.type == "pledge_speech" and not leader else read_news
        for s, cue, speaker in merge_numbered(view, reader(doc, section, view)):
            if not speaker:
                continue
            start, end, text = display(doc, unnumbered(view, s.start, s.end), s.end, noise)
            key = squeeze(text)
            if not key or key in seen:
                continue
            seen.add(key)
            speaker = printed(doc, view, section, speaker)
            if speaker not in rank_memo:
                if ranked is None:
                    ranked = _RankIndex([rec for rec in doc.records if rec.rank is not None or rec.grade is not None])
                rank_memo[speaker] = ranked.find(speaker)
                full_memo[speaker] = full_name(doc, speaker)
            rec = rank_memo[speaker]
            out.append(RankedCommitment(
                speaker=speaker, section=section.id, text=text, start=start, end=end,
                trigger=cue.trigger if isinstance(cue, Cue) else cue,
                speaker_full=full_memo[speaker],
                rank=rec.rank if rec else None, grade=rec.grade if rec else None))
    return out


@register("commitments")
def make_commitments():
    def commitments(doc: Document) -> Document:
        doc.commitments = list(commitments_of(doc))  # (a list[Commitment], as Document declares)
        return doc
    return commitments
