"""`python -m pipeline.show OUT/documents.jsonl`: a short human summary of each document."""
from __future__ import annotations

import collections
import json
import sys


def summarise(doc: dict) -> str:
    kinds = collections.Counter(s["type"] for s in doc["sections"])
    lines = [f"{doc['source']}  [{doc['genre']}]  {doc.get('title') or '(no title)'}",
             f"  number {doc.get('doc_number')}  date {doc.get('date')}  issuer {'、'.join(doc['issuer']) or '-'}",
             "  sections " + ", ".join(f"{k}×{v}" for k, v in kinds.most_common()),
             f"  {len(doc['records'])} records, {len(doc['entities'])} entities, "
             f"{len(doc['commitments'])} commitments, flags: {', '.join(sorted({f['code'] for f in doc['flags']})) or '-'}"]
    for r in doc["records"][:3]:
        lines.append(f"    record: {r['unit_full']} score={r['score']} rank={r['rank']} grade={r['grade']}")
    for c in doc["commitments"][:2]:
        lines.append(f"    commitment: {c['speaker']}: {c['text'][:40]}…")
    return "\n".join(lines)


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            print(summarise(json.loads(line)))


if __name__ == "__main__":
    main(sys.argv[1])
