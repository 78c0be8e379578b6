"""Person and organisation precision / recall of tongbao against jieba's POS baseline.

    .venv/bin/python bench/eval_entities.py [--gold ../shared/gold] [--corpus DIR] [--json]

On every gold document (default: the five of ../shared/gold), in the same run:

* tongbao: the pipeline's PERSON and ORG entities;
* baseline: what a user gets without tongbao, jieba's part-of-speech tags on the same
  text (whitespace between characters removed, so PDF-split names are not held
  against it): `nr` words as persons, `nt` words as organisations.

References: the gold `persons`; for organisations the gold records' units (table rows
and ranked units), the units a reader of these documents needs to find.  Names are
compared as sets per document, spaces removed; figures are micro-averaged.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.normalise import compact, fold  # noqa: E402
from pipeline.runner import Pipeline  # noqa: E402


def squash(text: str) -> str:
    return "".join(text.split())


def jieba_baseline(raw: str) -> tuple[set[str], set[str]]:
    import jieba
    import jieba.posseg
    jieba.setLogLevel(60)
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    text = compact(fold(raw), keep_newlines=True).text
    persons, orgs = set(), set()
    for word, flag in tagger.cut(text):
        if flag == "nr":
            persons.add(word)
        elif flag == "nt":
            orgs.add(word)
    return persons, orgs


def tongbao(pipeline: Pipeline, path: Path) -> tuple[set[str], set[str]]:
    doc = pipeline.process_path(str(path)).document
    persons = {squash(e["text"]) for e in doc["entities"] if e["type"] == "PERSON"}
    orgs = {squash(e["text"]) for e in doc["entities"] if e["type"] == "ORG"}
    return persons, orgs


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": tp, "predicted": n_pred, "gold": n_gold}


def evaluate(gold_dir: Path, corpus_dir: Path) -> dict:
    pipeline = Pipeline()
    counts = {(s, t): [0, 0, 0] for s in ("tongbao", "jieba") for t in ("person", "org")}
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        path = corpus_dir / (gold_path.stem + ".txt")
        raw = path.read_text(encoding="utf-8-sig")
        ref = {"person": {squash(p) for p in gold.get("persons", [])},
               "org": {squash(r["unit"]) for r in gold.get("records", []) if r.get("unit")}}
        for system, (persons, orgs) in (("tongbao", tongbao(pipeline, path)), ("jieba", jieba_baseline(raw))):
            for kind, pred in (("person", persons), ("org", orgs)):
                c = counts[(system, kind)]
                c[0] += len(pred & ref[kind])
                c[1] += len(pred)
                c[2] += len(ref[kind])
    return {f"{s}/{t}": prf(*c) for (s, t), c in counts.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    ap.add_argument("--corpus", type=Path, help="raw texts (default: the corpus folder beside --gold)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    corpus = a.corpus or a.gold.parent / "corpus"
    if not a.gold.is_dir():
        print(f"no gold folder at {a.gold}", file=sys.stderr)
        return 2
    result = evaluate(a.gold, corpus)
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{'system/type':16} {'P':>6} {'R':>6} {'F1':>6}  tp/pred/gold")
    for key, v in result.items():
        print(f"{key:16} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f}  "
              f"{v['tp']}/{v['predicted']}/{v['gold']}")
    for kind in ("person", "org"):
        gain = result[f"tongbao/{kind}"]["f1"] - result[f"jieba/{kind}"]["f1"]
        print(f"{kind}: tongbao F1 is {gain:+.3f} over jieba")
    return 0


if __name__ == "__main__":
    sys.exit(main())
