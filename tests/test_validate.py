"""`tongbao validate DIR`: a good output folder passes, and each kind of damage
to it is reported."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.reader import ENV_MAX_BYTES, ENV_MAX_LINE_LENGTH
from pipeline.schema import problems
from pipeline.validate import validate

from .conftest import sample_files

CLEAN_ENV = {ENV_MAX_BYTES: None, ENV_MAX_LINE_LENGTH: None}


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    """A run over copies of the samples plus one empty file: (inputs folder, output folder)."""
    inputs = tmp_path_factory.mktemp("inputs")
    for path in sample_files():
        shutil.copy(path, inputs / path.name)
    (inputs / "empty.txt").write_bytes(b"")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["run", str(inputs), "--out", str(out), "-q"], env=CLEAN_ENV)
    assert result.exit_code == 1, result.output  # the empty file
    return inputs, out


@pytest.fixture
def damaged(good_run, tmp_path):
    """A copy of the good output folder to damage, and helpers to edit it."""
    inputs, out = good_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return inputs, copy


def _docs(out: Path) -> list[dict]:
    return [json.loads(ln) for ln in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]


def _write_docs(out: Path, docs: list[dict]) -> None:
    (out / "documents.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                                         encoding="utf-8")


def test_a_good_run_is_valid(good_run):
    inputs, out = good_run
    report = validate(out, [str(inputs)])
    assert report.problems == []
    assert report.documents == len(sample_files()) and report.errors == 1
    assert report.raw_checked == report.documents


def test_a_line_that_is_not_json(damaged):
    inputs, out = damaged
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1][: len(lines[1]) // 2] + "\n"  # a line cut short, as by a crash mid-write
    (out / "documents.jsonl").write_text("".join(lines), encoding="utf-8")
    found = validate(out, [str(inputs)]).problems
    assert any(p.startswith("documents.jsonl:2: not JSON") for p in found)
    # the document on that line is now unaccounted for
    assert any("neither a document nor an error record" in p for p in found)


def test_an_entity_that_does_not_slice_back(damaged):
    inputs, out = damaged
    docs = _docs(out)
    raw = Path(docs[0]["source"]).read_text(encoding="utf-8")
    start = len(raw) - len(raw.lstrip())
    # an entity one character off its text
    docs[0]["entities"].append({"type": "ORG", "text": raw[start:start + 3], "start": start + 1,
                                "end": start + 4, "norm": None})
    _write_docs(out, docs)
    assert any("does not slice back" in p for p in validate(out, [str(inputs)]).problems)


def test_sections_that_no_longer_tile_the_text(damaged):
    inputs, out = damaged
    docs = _docs(out)
    doc = next(d for d in docs if len(d["sections"]) >= 2)
    del doc["sections"][-1]
    doc["records"] = [r for r in doc["records"] if r["table"] in {s["id"] for s in doc["sections"]}]
    doc["commitments"] = [c for c in doc["commitments"] if c["section"] in {s["id"] for s in doc["sections"]}]
    _write_docs(out, docs)
    assert any("sections end at" in p for p in validate(out, [str(inputs)]).problems)


def test_keys_out_of_order_and_bytes_that_are_not_utf8(damaged):
    inputs, out = damaged
    docs = _docs(out)
    docs[0] = {"title": docs[0]["title"], **{k: v for k, v in docs[0].items() if k != "title"}}
    _write_docs(out, docs)
    with open(out / "documents.jsonl", "ab") as fh:
        fh.write(b'{"source": "\xff"}\n')
    found = validate(out, [str(inputs)]).problems
    assert any("keys out of the contract's order: title, doc_id" in p for p in found)
    assert any(p.startswith(f"documents.jsonl:{len(docs) + 1}: not UTF-8") for p in found)


def test_a_schema_violation(damaged):
    inputs, out = damaged
    docs = _docs(out)
    docs[0]["genre"] = "poem"
    _write_docs(out, docs)
    assert any("genre" in p and "poem" in p for p in validate(out, [str(inputs)]).problems)


def test_a_source_changed_since_the_run(damaged):
    inputs, out = damaged
    source = Path(_docs(out)[0]["source"])
    original = source.read_bytes()
    try:
        source.write_bytes(original + "补记。\n".encode("utf-8"))
        assert any("doc_id" in p and "changed" in p for p in validate(out, [str(inputs)]).problems)
    finally:
        source.write_bytes(original)


def test_a_document_written_twice(damaged):
    inputs, out = damaged
    docs = _docs(out)
    _write_docs(out, docs + docs[:1])
    found = validate(out, [str(inputs)]).problems
    assert any("accounted for 2 times" in p for p in found)


def test_an_input_both_a_document_and_an_error(damaged):
    inputs, out = damaged
    doc = _docs(out)[0]
    with open(out / "errors.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"source": doc["source"], "doc_id": None, "code": "internal", "message": "x"}) + "\n")
    found = validate(out, [str(inputs)]).problems
    assert any("accounted for 2 times" in p and "errors.jsonl" in p and "documents.jsonl" in p for p in found)


def test_an_input_missing_from_both_files(damaged):
    inputs, out = damaged
    docs = _docs(out)
    _write_docs(out, docs[1:])
    found = validate(out, [str(inputs)]).problems
    assert found == [f"{docs[0]['source']}: an input with neither a document nor an error record"]
    # without the inputs, a missing document cannot be seen
    assert validate(out).problems == []


def test_an_error_record_with_an_unknown_code_or_no_message(damaged):
    inputs, out = damaged
    err = json.loads((out / "errors.jsonl").read_text(encoding="utf-8"))
    err.update(code="oops", message=" ")
    (out / "errors.jsonl").write_text(json.dumps(err) + "\n", encoding="utf-8")
    found = validate(out, [str(inputs)]).problems
    assert any("unknown error code 'oops'" in p for p in found)
    assert any("without a message" in p for p in found)


def test_a_source_that_cannot_be_read_again_is_a_note_not_a_problem(damaged, tmp_path):
    inputs, out = damaged
    docs = _docs(out)
    docs[0]["source"] = str(tmp_path / "moved_away.txt")
    _write_docs(out, docs)
    report = validate(out)
    assert report.problems == []
    assert report.raw_checked == len(docs) - 1
    assert any("moved_away.txt" in n and "not checked" in n for n in report.notes)


def test_the_command_exit_status(good_run, damaged):
    inputs, out = good_run
    ok = CliRunner().invoke(main, ["validate", str(out), str(inputs)])
    assert ok.exit_code == 0, ok.output
    assert "valid:" in ok.output
    _, bad = damaged
    (bad / "documents.jsonl").write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad), str(inputs), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["problems"]
    assert CliRunner().invoke(main, ["validate", str(bad / "nowhere")]).exit_code == 2


def test_a_parallel_run_resumed_after_new_inputs_is_valid(tmp_path):
    """Output written by worker processes, then by --resume with one more input."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for path in sample_files()[:3]:
        shutil.copy(path, inputs / path.name)
    (inputs / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    args = ["run", str(inputs), "--out", str(out), "-q", "--jobs", "2"]
    assert CliRunner().invoke(main, args, env=CLEAN_ENV).exit_code == 1
    shutil.copy(sample_files()[3], inputs / sample_files()[3].name)
    assert CliRunner().invoke(main, [*args, "--resume"], env=CLEAN_ENV).exit_code == 1
    report = validate(out, [str(inputs)])
    assert report.problems == []
    assert (report.documents, report.errors) == (4, 1)


@pytest.mark.parametrize("date, ok", [("2024-04-18", True), ("--05-20", True), ("---05-20", False),
                                      ("2024-4-18", False), (None, True)])
def test_the_date_of_a_document_follows_the_contract(date, ok):
    """SCHEMA.md: `YYYY-MM-DD`, or `--MM-DD` when the year cannot be known."""
    doc = {"doc_id": "0" * 16, "source": "x", "genre": "notice", "title": None, "doc_number": None,
           "issuer": [], "recipients": [], "date": date, "attachments": [], "cc": [], "sections": [],
           "records": [], "entities": [], "commitments": [], "flags": []}
    assert (problems(doc) == []) is ok


def test_relative_sources_are_read_from_the_root_folder(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    shutil.copy(sample_files()[0], tmp_path / "in" / "a.txt")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["run", "in", "--out", "out", "-q"], env=CLEAN_ENV).exit_code == 0
    monkeypatch.chdir(tmp_path / "out")  # elsewhere: the source cannot be found
    assert validate(".").raw_checked == 0
    report = validate(".", ["in"], root=tmp_path)
    assert (report.problems, report.raw_checked) == ([], 1)
