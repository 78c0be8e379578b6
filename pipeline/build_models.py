"""Build models/units.dict: a jieba user dictionary of the units seen in tables.

    python -m pipeline.build_models [INPUTS...] [--out models/units.dict]
    tongbao build-models [INPUTS...]

Runs the pipeline up to the `units` stage over INPUTS (default: the shipped samples in
corpora/), collects every table row's unit as printed and as its full name, adds the
short forms of configs/units.toml, and writes one `word frequency nt` line per unit
(jieba's user-dictionary format, `nt` = organisation).  The `entities` stage loads it
so that running text finds the units that tables name.
"""
from __future__ import annotations

from pathlib import Path

import click
import regex

from . import config
from .config import MODELS_DIR, PACKAGE_ROOT
from .model import Document, doc_id_of
from .reader import discover, read
from .runner import Pipeline

STAGES = ["normalise", "segment", "tables", "rankings", "elements", "units"]
FREQUENCY = 2000  # high enough that jieba keeps a unit whole rather than cutting it


def collect_units(paths: list[str]) -> dict[str, int]:
    """Unit names (printed and full) of every table row of the inputs, with their counts."""
    pipeline = Pipeline([s for s in STAGES if s in config.load("pipeline")["stages"]])
    counts: dict[str, int] = {}
    suffixes = tuple(config.load("units")["suffixes"]["org"])
    for path in paths:
        decoded = read(path)
        doc = pipeline(Document(raw=decoded.text, source=path, doc_id=doc_id_of(decoded.data)))
        for rec in doc.records:
            for name in {rec.unit, rec.unit_full}:
                word = regex.sub(r"\s+", "", name or "")
                if 3 <= len(word) <= 30 and regex.fullmatch(r"[\p{Han}()（）\d]+", word) and \
                        word.endswith(suffixes) and "我" not in word:
                    counts[word] = counts.get(word, 0) + 1
    for short in config.load("units")["abbreviations"]:
        counts.setdefault(short, 1)
    return counts


def write_dictionary(counts: dict[str, int], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{word} {FREQUENCY + n} nt" for word, n in sorted(counts.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


@click.command("build-models")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True))
@click.option("--out", type=click.Path(dir_okay=False), default=str(MODELS_DIR / "units.dict"),
              show_default=True, help="The jieba user dictionary to write.")
def build_models_command(inputs, out):
    """Rebuild the jieba user dictionary of units (models/units.dict).

    Reads INPUTS (files, or folders searched for *.txt; default: corpora/), collects the
    units of their tables, printed and full (`市民政局`, `衡阳市民政局`), plus the short
    forms of configs/units.toml, and writes one `word frequency nt` line per unit.

    \b
    Example:
        tongbao build-models corpora/ --out models/units.dict
    """
    paths = list(discover(list(inputs) or [str(PACKAGE_ROOT / "corpora")]))
    n = write_dictionary(collect_units(paths), Path(out))
    click.echo(f"{n} units from {len(paths)} documents -> {out}", err=True)


if __name__ == "__main__":
    build_models_command()
