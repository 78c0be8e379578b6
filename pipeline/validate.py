"""Check an output folder against the contract (../shared/SCHEMA.md).

* every line of documents.jsonl is UTF-8 JSON with the contract's keys in its
  order, and validates (`schema.problems`); and,
  when its source can still be read, its offsets slice back into the raw text,
  its sections tile it, and its `doc_id` and `encoding` match the file;
* every line of errors.jsonl parses and has a `source`, a known `code` and a
  message;
* every input is accounted for exactly once: no source twice (in either file, or
  in both), and, when the inputs are given, none missing and none extra.

The raw text is decoded with the same reader as the run, without the size limits
(a run may have raised them), so `validate` judges the text the run saw.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .model import DOC_KEYS
from .reader import ERROR_CODES, InputError, Limits, discover, read
from .schema import problems


@dataclass
class Report:
    documents: int = 0
    errors: int = 0
    raw_checked: int = 0  # documents whose source was re-read and checked against
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "valid" if self.ok else f"{len(self.problems)} problem(s)"
        return (f"{verdict}: {self.documents} documents ({self.raw_checked} checked against their source), "
                f"{self.errors} error records")


def validate(out_dir: str | os.PathLike, inputs: list[str] | None = None,
             root: str | os.PathLike | None = None) -> Report:
    """Everything wrong with the output folder `out_dir`; `inputs` as given to the
    run; `root` the folder the run was started in (relative sources are read from it)."""
    out = Path(out_dir)
    report = Report()
    seen: dict[str, list[str]] = defaultdict(list)  # source -> where it appears
    doc_file = out / "documents.jsonl"
    if not doc_file.is_file():
        report.problems.append(f"{doc_file}: missing")
    else:
        for where, obj in _lines(doc_file, report):
            report.documents += 1
            source = obj.get("source")
            if isinstance(source, str):
                seen[source].append(where)
            _check_document(obj, where, report, root)
    err_file = out / "errors.jsonl"
    if err_file.is_file():
        for where, obj in _lines(err_file, report):
            report.errors += 1
            _check_error(obj, where, report)
            if isinstance(obj.get("source"), str):
                seen[obj["source"]].append(where)
    _check_accounting(seen, inputs, report, root)
    return report


def _lines(path: Path, report: Report):
    """(where, object) for each line that is UTF-8 JSON of an object; problems for the rest."""
    with open(path, "rb") as fh:
        for number, data in enumerate(fh, 1):
            where = f"{path.name}:{number}"
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                report.problems.append(f"{where}: not UTF-8 (byte {exc.start})")
                continue
            if not line.strip():
                report.problems.append(f"{where}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(f"{where}: not JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                report.problems.append(f"{where}: not a JSON object")
                continue
            yield where, obj


def _check_document(doc: dict, where: str, report: Report, root: str | os.PathLike | None) -> None:
    label = f"{where} ({doc.get('source')})"
    raw = None
    source = doc.get("source")
    if isinstance(source, str):
        try:
            decoded = read(os.path.join(root, source) if root is not None else source, Limits.none())
        except InputError as err:
            report.notes.append(f"{label}: source not checked ({err.code}: {err.message})")
        else:
            raw = decoded.text
            report.raw_checked += 1
            digest = hashlib.sha256(decoded.data).hexdigest()[:16]
            if doc.get("doc_id") != digest:
                report.problems.append(f"{label}: doc_id {doc.get('doc_id')} is not that of the file "
                                       f"({digest}); the file changed since the run?")
            if "encoding" in doc and doc["encoding"] != decoded.encoding:
                report.problems.append(f"{label}: encoding {doc['encoding']!r}, the file reads as "
                                       f"{decoded.encoding!r}")
    keys = [k for k in doc if k in DOC_KEYS]
    if keys != [k for k in DOC_KEYS if k in doc]:
        report.problems.append(f"{label}: keys out of the contract's order: {', '.join(keys)}")
    report.problems.extend(f"{label}: {p}" for p in problems(doc, raw))


def _check_error(err: dict, where: str, report: Report) -> None:
    label = f"{where} ({err.get('source')})"
    if not isinstance(err.get("source"), str) or not err["source"]:
        report.problems.append(f"{where}: error record without a source")
    if err.get("code") not in ERROR_CODES:
        report.problems.append(f"{label}: unknown error code {err.get('code')!r} "
                               f"(known: {', '.join(ERROR_CODES)})")
    if not isinstance(err.get("message"), str) or not err["message"].strip():
        report.problems.append(f"{label}: error record without a message")


def _discover_as_given(inputs: list[str], root: str | os.PathLike | None):
    """The run's input files, as the run named them, found from `root`."""
    for item in inputs:
        base = os.path.join(root, item) if root is not None else item
        for found in discover([base]):
            yield item + found[len(base):]


def _check_accounting(seen: dict[str, list[str]], inputs: list[str] | None, report: Report,
                      root: str | os.PathLike | None) -> None:
    for source, places in seen.items():
        if len(places) > 1:
            report.problems.append(f"{source}: accounted for {len(places)} times ({', '.join(places)})")
    if inputs is None:
        report.notes.append("inputs not given: only checked that no source is accounted for twice")
        return
    expected = {os.path.normpath(p): p for p in _discover_as_given(inputs, root)}
    found = {os.path.normpath(s): s for s in seen}
    for key in sorted(expected.keys() - found.keys()):
        report.problems.append(f"{expected[key]}: an input with neither a document nor an error record")
    for key in sorted(found.keys() - expected.keys()):
        report.problems.append(f"{found[key]}: in the output but not among the inputs")


# --- command line ----------------------------------------------------------------

import click  # noqa: E402  (the command is optional to the library above)


@click.command("validate")
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--max-problems", default=50, show_default=True, type=click.IntRange(min=0),
              help="Print at most this many problems (all are counted).")
@click.option("--root", type=click.Path(exists=True, file_okay=False),
              help="The folder the run was started in: relative sources are read from there "
                   "(default: the current folder).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--verbose", "-v", is_flag=True, help="Also print notes (sources that could not be re-read).")
def validate_command(out_dir, inputs, max_problems, root, as_json, verbose):
    """Check the output folder DIR of `tongbao run` against the contract.

    \b
    Checks that:
      - every line of documents.jsonl is UTF-8 JSON with the contract's keys
        in order, and validates against the schema;
      - entity, record, commitment and flag offsets fit the raw text, entities
        slice back exactly and sections tile it, when the source file can be
        read again (relative paths from the current folder, or --root);
        doc_id and encoding match the file;
      - every line of errors.jsonl has a source, a known code and a message;
      - no source is accounted for twice, and, when INPUTS (the run's inputs,
        as given to it) are passed, every input is in exactly one of the two files.

    \b
    Example:
        tongbao run corpora/ --out out/
        tongbao validate out/ corpora/

    \b
    Exit status:
      0  the folder keeps the contract
      1  problems found (listed, with the file and line they are on)
      2  bad command-line usage
    """
    report = validate(out_dir, list(inputs) if inputs else None, root)
    if as_json:
        click.echo(json.dumps({"ok": report.ok, "documents": report.documents, "errors": report.errors,
                               "raw_checked": report.raw_checked, "problems": report.problems,
                               "notes": report.notes}, ensure_ascii=False))
    else:
        for line in report.problems[:max_problems]:
            click.echo(line)
        if len(report.problems) > max_problems:
            click.echo(f"… and {len(report.problems) - max_problems} more")
        if verbose:
            for line in report.notes:
                click.echo(f"note: {line}")
        click.echo(report.summary(), err=True)
    raise SystemExit(0 if report.ok else 1)
