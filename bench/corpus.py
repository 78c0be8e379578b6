"""Build a large benchmark corpus by varying the real and sample documents.

Each variant of a source document gets its table rows shuffled, its units
renamed, and its places moved to other cities, so that every file is distinct
(its own doc_id) while staying the kind of text tongbao meets.  Sources: the
real documents in ../shared (when present), else the samples in corpora/.

    python bench/corpus.py --size-mb 50 --dest bench/data/corpus
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# stems to give renamed places and units: invented, so no real city is implied
STEMS = ("青石 白河 东岭 西川 南塘 北坪 金沙 银川 玉泉 凤鸣 龙溪 虎丘 鹤山 松林 柳岸 桃源 梅岭 "
         "竹坪 兰溪 菊潭 石门 清水 云台 长宁 永安 太和 安平 兴隆 富阳 广济 定远 临江 望海 "
         "红旗 新华 光明 朝阳 和平 团结 胜利 前进 东风 向阳 星火 黎明 春江 秋浦 冬青 夏溪").split()
UNIT_SUFFIX = r"(?:街道|社区|村|镇|乡|县|区|市|局|委|办|中心|公司|医院|学校)"
PLACE = regex.compile(r"(?<![\p{Han}])(\p{Han}{2})(?=[市县区])")
ROW = regex.compile(r"^\s*(?:\d+[\s、.．]|\S+(?:\t|\s{2,}|\s*\|\s*)\S+.*(?:\t|\s{2,}|\|)\S)")
ROW_UNIT = regex.compile(r"(\p{Han}{2,8}?" + UNIT_SUFFIX + r")")


def source_files() -> list[Path]:
    """The real documents when ../shared is there, and the samples of corpora/ (never gold)."""
    found = []
    for folder in (SHARED / "corpus", SHARED / "web" / "corpus"):
        if folder.is_dir():
            found += sorted(folder.glob("*.txt"))
    found += sorted(p for p in (ROOT / "corpora").rglob("*.txt") if "gold" not in p.parts)
    return found


def shuffle_rows(lines: list[str], rng: random.Random) -> list[str]:
    """Shuffle each run of three or more consecutive table-like rows (ranks move with their rows)."""
    out, run = [], []
    for line in lines + [""]:
        if line.strip() and ROW.match(line):
            run.append(line)
            continue
        if len(run) >= 3:  # the first row is often the header: it stays first
            body = run[1:]
            rng.shuffle(body)
            run = run[:1] + body
        out += run
        run = []
        out.append(line)
    return out[:-1]


def rename(text: str, pattern: regex.Pattern, rng: random.Random, min_count: int = 1) -> str:
    """Replace every name `pattern` finds (group 1) with an invented one, the same throughout."""
    names = {}
    for m in pattern.finditer(text):
        names[m.group(1)] = names.get(m.group(1), 0) + 1
    for name, count in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if count >= min_count:
            stem = rng.choice(STEMS)
            text = text.replace(name, stem + name[2:] if len(name) > 2 else stem)
    return text


def variant(text: str, rng: random.Random) -> str:
    lines = shuffle_rows(text.split("\n"), rng)
    rows = "\n".join(line for line in lines if ROW.match(line))
    units = {m.group(1) for m in ROW_UNIT.finditer(rows)}
    text = "\n".join(lines)
    for unit in sorted(units, key=len, reverse=True):
        if rng.random() < 0.5:
            text = text.replace(unit, rng.choice(STEMS) + unit[2:])
    return rename(text, PLACE, rng, min_count=2)


def build(dest: Path, size_mb: float, seed: int = 7, per_folder: int = 1000) -> dict:
    """Write variants into dest/NNN/ until size_mb is reached; reuse a matching corpus."""
    manifest_path = dest / "manifest.json"
    sources = source_files()
    if not sources:
        sys.exit("no source documents: neither ../shared/corpus nor corpora/*.txt")
    key = {"size_mb": size_mb, "seed": seed, "sources": [p.name for p in sources]}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest["key"] == key:
            return manifest
    if dest.exists():
        shutil.rmtree(dest)
    texts = [p.read_bytes().decode("utf-8-sig", errors="replace") for p in sources]
    rng = random.Random(seed)
    target, total, n, seen = size_mb * 1e6, 0, 0, set()
    while total < target:
        src = n % len(texts)
        text = texts[src] if n < len(texts) else variant(texts[src], rng)
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).digest()
        n += 1
        if digest in seen:
            continue
        seen.add(digest)
        folder = dest / f"{len(seen) // per_folder:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{len(seen):06d}_{sources[src].stem[:40]}.txt").write_bytes(data)
        total += len(data)
    manifest = {"key": key, "files": len(seen), "bytes": total, "sources": len(sources)}
    manifest_path.write_text(json.dumps(manifest))
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=50.0)
    ap.add_argument("--dest", type=Path, default=ROOT / "bench" / "data" / "corpus")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    m = build(args.dest, args.size_mb, args.seed)
    print(f"{m['files']} files, {m['bytes'] / 1e6:.1f} MB from {m['sources']} sources in {args.dest}")


if __name__ == "__main__":
    main()
