"""A folder of hostile inputs, made here, goes through one `tongbao run`: the run
ends, every file is in exactly one place (documents.jsonl or errors.jsonl) with
the right error code, and the exit status is 1."""
from __future__ import annotations

import codecs
import functools
import json
import logging
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import reader, registry
from pipeline.cli import main
from pipeline.reader import (
    ENV_MAX_BYTES,
    ENV_MAX_LINE_LENGTH,
    InputError,
    Limits,
    discover,
    read,
)
from pipeline.validate import validate

from .conftest import processed, sample_files
from .test_encodings import legacy_encoding

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# run the CLI with the limits of configs/limits.toml, and put back whatever it sets
CLEAN_ENV = {ENV_MAX_BYTES: None, ENV_MAX_LINE_LENGTH: None}
BOOM = "触发内部错误的标记"
COPIED = 6  # samples copied in GB and UTF-16 into the hostile folder  # a stage patched in below fails on text holding this


@functools.lru_cache(maxsize=None)
def table_sample() -> Path:
    """The sample the single-file cases are made from: one with a tab-separated
    table that the pipeline turns into records."""
    for path in sample_files():
        lines = path.read_text(encoding="utf-8").split("\n")
        if sum(ln.count("\t") >= 2 for ln in lines) >= 8 and len(processed(str(path))[0]["records"]) >= 4:
            return path
    pytest.skip("no sample with a tab-separated table that yields records")


def copied_samples() -> list[Path]:
    """The samples copied into the folder in GB and UTF-16 (every document's copies are
    compared with the original in test_encodings; here they only need to pass a run)."""
    return sorted({*sample_files()[:COPIED], table_sample()})


def _table_cut_mid_row(text: str) -> str:
    """The text up to the middle of a row halfway down its tab-separated rows."""
    lines = text.split("\n")
    rows = [i for i, ln in enumerate(lines) if ln.count("\t") >= 2]
    cut = rows[len(rows) // 2]
    row = lines[cut]
    return "\n".join(lines[:cut] + [row[:row.index("\t") + 3]])


def make_hostile_folder(root: Path) -> dict[str, str | None]:
    """Write the hostile inputs; {file name: expected error code, None for a document}."""
    text = table_sample().read_text(encoding="utf-8")
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, code: str | None) -> None:
        (root / name).write_bytes(data)
        expected[name] = code

    for path in copied_samples():
        raw = path.read_text(encoding="utf-8")
        put(f"gb_{path.name}", raw.encode(legacy_encoding(raw)), None)
        put(f"utf16_{path.name}", raw.encode("utf-16"), None)
    put("utf8_bom.txt", codecs.BOM_UTF8 + text.encode("utf-8"), None)
    put("crlf.txt", text.replace("\n", "\r\n").encode("utf-8"), None)
    put("empty.txt", b"", "empty")
    put("whitespace_only.txt", " \n\t\r\n\u3000\n".encode("utf-8"), "empty")
    put("bom_only.txt", codecs.BOM_UTF8, "empty")
    put("report.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\nx\x9c\x00\x01"
                          b"\x02\xff\nendstream\nendobj\n%%EOF\n", "binary")
    put("scan.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary")
    docx = root / "word.docx.txt"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document>考核结果</w:document>")
    expected[docx.name] = "binary"
    put("nul_bytes.txt", text[:200].encode("utf-8") + b"\x00\x00\x00" + text[200:400].encode("utf-8"), "binary")
    put("control_bytes.txt", bytes(range(1, 9)) * 40 + "考核结果".encode("utf-8"), "binary")
    put("five_mb_line.txt", ("考核结果" * 420_000).encode("utf-8"), "too_large")  # 5 MB, over max_bytes
    # 1 MB, under max_bytes, with a third line of 350,000 characters: over max_line_length
    put("long_line.txt", ("通报\n\n" + "考核结果。" * 70_000).encode("utf-8"), "too_large")
    with open(root / "sparse_200mb.txt", "wb") as fh:  # over max_bytes; sparse, so cheap
        fh.truncate(200_000_000)
    expected["sparse_200mb.txt"] = "too_large"
    put("table_cut_mid_row.txt", _table_cut_mid_row(text).encode("utf-8"), None)
    put("cut_mid_character.txt", (text.rstrip("\n") + "旗").encode("utf-8")[:-1], None)  # half a 旗
    put("no_chinese.txt", b"Quarterly results\n\nUnit\tScore\tRank\nNorth\t93.8\t1\nSouth\t90.1\t2\n", None)
    put("latin1.txt", "Résumé des résultats: Ærø 93,8 - naïve".encode("latin-1"), "undecodable")
    put("invalid_bytes.txt", b"\x80\x81 abc \xfe\xff\xfd\x80" * 20, "undecodable")
    put("boom.txt", f"关于考核结果的通报\n{BOOM}\n".encode("utf-8"), "internal")
    os.symlink("loop.txt", root / "loop.txt")
    expected["loop.txt"] = "unreadable"
    os.symlink("nowhere/missing.txt", root / "dangling.txt")
    expected["dangling.txt"] = "unreadable"
    os.mkfifo(root / "fifo.txt")  # reading it would block forever
    expected["fifo.txt"] = "unreadable"
    locked = root / "no_permission.txt"
    locked.write_bytes(text.encode("utf-8"))
    locked.chmod(0)
    # root reads a chmod 000 file all the same: then it honestly becomes a document
    expected[locked.name] = None if AS_ROOT else "unreadable"
    return expected


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expected = make_hostile_folder(root)
    out = tmp_path_factory.mktemp("out")
    log = out / "debug.log"
    # the last stage fails on one document: the run must record it as `internal` and go on
    last = registry.build()[-1][0]
    real_factory = registry.FACTORIES[last]

    def failing_factory():
        stage = real_factory()

        def failing(doc):
            if BOOM in doc.raw:
                raise ValueError("simulated failure")
            return stage(doc)
        return failing

    registry.FACTORIES[last] = failing_factory
    # as in a fresh process: no handlers on the root logger (pytest's would make
    # the command's logging.basicConfig a no-op)
    root_logger = logging.getLogger()
    saved = root_logger.handlers[:], root_logger.level
    root_logger.handlers.clear()
    try:
        result = CliRunner().invoke(main, ["run", str(root), "--out", str(out), "-q", "--debug-log", str(log)],
                                    env=CLEAN_ENV)
    finally:
        registry.FACTORIES[last] = real_factory
        for handler in root_logger.handlers:
            handler.close()
        root_logger.handlers[:], root_logger.level = saved
    yield root, expected, out, result, last
    (root / "no_permission.txt").chmod(0o644)


def _outcomes(out: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    docs = [json.loads(ln) for ln in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    errs = [json.loads(ln) for ln in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    return {Path(d["source"]).name: d for d in docs}, {Path(e["source"]).name: e for e in errs}


def test_the_run_ends_with_exit_status_1(hostile_run):
    _, _, _, result, _ = hostile_run
    assert result.exit_code == 1, result.output


def test_every_file_is_accounted_for_exactly_once(hostile_run):
    root, expected, out, _, _ = hostile_run
    docs, errs = _outcomes(out)
    assert set(docs) | set(errs) == set(expected)
    assert not set(docs) & set(errs)
    lines = len((out / "documents.jsonl").read_text().splitlines()) + len((out / "errors.jsonl").read_text().splitlines())
    assert lines == len(expected)


def test_each_file_gets_the_right_error_code(hostile_run):
    _, expected, out, _, _ = hostile_run
    docs, errs = _outcomes(out)
    got = {name: (errs[name]["code"] if name in errs else None) for name in expected}
    assert got == expected
    for err in errs.values():
        assert err["message"].strip() and err["code"] in reader.ERROR_CODES


def test_messages_say_what_is_wrong(hostile_run):
    _, _, out, _, last = hostile_run
    _, errs = _outcomes(out)
    assert "PDF" in errs["report.pdf.txt"]["message"]
    assert "ZIP" in errs["word.docx.txt"]["message"]
    assert "NUL" in errs["nul_bytes.txt"]["message"]
    assert "--max-bytes" in errs["five_mb_line.txt"]["message"]
    assert "line 3 " in errs["long_line.txt"]["message"] and "350,000 characters" in errs["long_line.txt"]["message"]
    assert "--max-line-length" in errs["long_line.txt"]["message"]
    assert "200.0 MB" in errs["sparse_200mb.txt"]["message"] and "--max-bytes" in errs["sparse_200mb.txt"]["message"]
    assert "loops" in errs["loop.txt"]["message"]
    assert "broken symbolic link" in errs["dangling.txt"]["message"]
    assert "not a regular file" in errs["fifo.txt"]["message"]
    assert f"stage '{last}'" in errs["boom.txt"]["message"]
    assert errs["boom.txt"]["doc_id"]  # the file was read: its id is known


def test_a_stage_failure_leaves_its_traceback_in_the_debug_log(hostile_run):
    _, _, out, _, _ = hostile_run
    log = (out / "debug.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "simulated failure" in log and "boom.txt" in log


def test_documents_record_their_encoding_and_keep_the_contract(hostile_run):
    root, expected, out, _, _ = hostile_run
    docs, _ = _outcomes(out)
    sample = table_sample().name
    assert docs[f"gb_{sample}"]["encoding"] in ("gb2312", "gbk")
    assert docs[f"utf16_{sample}"]["encoding"] == "utf-16-le"
    assert docs["utf8_bom.txt"]["encoding"] == "utf-8-sig"
    assert docs["cut_mid_character.txt"]["sections"][-1]["text"].endswith("\ufffd")
    report = validate(out, [str(root)])
    assert report.problems == []
    assert report.raw_checked == len(docs)


def test_the_cut_table_keeps_its_complete_rows(hostile_run):
    _, _, out, _, _ = hostile_run
    docs, _ = _outcomes(out)
    whole = docs[f"gb_{table_sample().name}"]
    cut = docs["table_cut_mid_row.txt"]
    # the complete rows before the cut come out as in the whole document
    units = [r["unit"] for r in cut["records"]]
    assert len(units) >= 2
    assert units[:-1] == [r["unit"] for r in whole["records"]][:len(units) - 1]


# -- limits, exit status, usage -------------------------------------------------------

def _run(args, tmp_path):
    return CliRunner().invoke(main, ["run", *args, "--out", str(tmp_path / "out"), "-q"], env=CLEAN_ENV)


def test_all_inputs_documents_is_exit_status_0(tmp_path):
    result = _run([str(p) for p in sample_files()[:3]], tmp_path)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "errors.jsonl").read_text()


def test_limits_are_overridden_on_the_command_line(tmp_path):
    sample = table_sample()
    longest = max(len(ln) for ln in sample.read_text(encoding="utf-8").split("\n"))
    result = _run([str(sample), "--max-line-length", str(longest - 1)], tmp_path)
    assert result.exit_code == 1
    err = json.loads((tmp_path / "out" / "errors.jsonl").read_text())
    assert err["code"] == "too_large" and f"{longest:,} characters" in err["message"]
    result = _run([str(sample), "--max-bytes", str(sample.stat().st_size - 1)], tmp_path)
    assert result.exit_code == 1
    assert json.loads((tmp_path / "out" / "errors.jsonl").read_text())["code"] == "too_large"
    result = _run([str(sample), "--max-bytes", str(sample.stat().st_size)], tmp_path)
    assert result.exit_code == 0


@pytest.mark.parametrize("args", [["--no-such-option"], ["--max-bytes", "0"], ["--max-bytes", "ten"], []],
                         ids=["unknown-option", "zero-limit", "not-a-number", "no-inputs"])
def test_bad_usage_is_exit_status_2(args, tmp_path):
    inputs = [str(sample_files()[0])] if args else []
    assert _run([*inputs, *args], tmp_path).exit_code == 2


def test_help_documents_codes_and_exit_status():
    text = CliRunner().invoke(main, ["run", "--help"]).output
    for word in ("Exit status", "0  every input", "1  some inputs", "2  bad command-line", *reader.ERROR_CODES,
                 "--max-bytes", "--max-line-length"):
        assert word in text


# -- the reader on its own ----------------------------------------------------------

def test_permission_denied_is_unreadable(tmp_path, monkeypatch):
    """Simulated: open() refusing as it does for a chmod 000 file and a non-root user."""
    path = tmp_path / "locked.txt"
    path.write_text("考核结果", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(reader, "open", refuse, raising=False)
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.code == "unreadable" and "permission denied" in err.value.message


@pytest.mark.skipif(AS_ROOT, reason="root reads a chmod 000 file; covered by the simulated test above")
def test_chmod_000_is_unreadable(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("考核结果", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.code == "unreadable"


def test_a_folder_given_as_a_file_is_unreadable(tmp_path):
    (tmp_path / "d.txt").mkdir()
    with pytest.raises(InputError) as err:
        reader.read_bytes(tmp_path / "d.txt")
    assert err.value.code == "unreadable" and "folder" in err.value.message


def test_a_missing_input_is_unreadable(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path / "nope.txt")
    assert err.value.code == "unreadable" and "no such file" in err.value.message


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with open(path, "wb") as fh:
        fh.truncate(1_000_001)
    monkeypatch.setattr(reader, "open", lambda *a, **k: pytest.fail("opened a file over the limit"),
                        raising=False)
    with pytest.raises(InputError) as err:
        read(path, Limits(max_bytes=1_000_000, max_line_length=None))
    assert err.value.code == "too_large" and "1.0 MB" in err.value.message


def test_discover_lists_links_without_following_them_into_loops(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("甲", encoding="utf-8")
    os.symlink("..", tmp_path / "a" / "up")  # a folder link back up: not followed
    os.symlink("self.txt", tmp_path / "self.txt")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    found = list(discover([str(tmp_path)]))
    assert found == [str(tmp_path / "self.txt"), str(tmp_path / "a" / "x.txt")]


def test_discover_yields_a_folder_it_cannot_list(tmp_path, monkeypatch):
    """Simulated (root can list any folder): os.walk reports the error through onerror."""
    def walk(top, onerror=None):
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        yield str(tmp_path), [], ["a.txt"]
    monkeypatch.setattr(reader.os, "walk", walk)
    assert list(discover([str(tmp_path)])) == [str(tmp_path / "a.txt"), str(tmp_path / "locked")]
