"""--resume: inputs already in documents.jsonl are skipped, a line torn by a hard
kill is cut off, and the result is the same file a run from scratch writes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.runner import done_ids, run_to_folder

from .test_parallel import inputs, outputs  # noqa: F401  (inputs is a fixture)


@pytest.fixture(scope="module")
def fresh(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    run_to_folder(inputs, out, jobs=1)
    return out


def doc_lines(out: Path) -> list[str]:
    return (out / "documents.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_resume_after_a_partial_run_gives_the_fresh_output(inputs, fresh, tmp_path, jobs):
    half = len(inputs) // 2
    first = run_to_folder(inputs[:half], tmp_path, jobs=jobs)
    summary = run_to_folder(inputs, tmp_path, jobs=jobs, resume=True)
    assert summary.skipped == first.documents
    assert summary.documents == len(doc_lines(fresh)) - first.documents
    assert outputs(tmp_path) == outputs(fresh)


def test_a_torn_last_line_is_cut_off_then_redone(inputs, fresh, tmp_path):
    lines = doc_lines(fresh)
    kept, torn = lines[:3], lines[3]
    (tmp_path / "documents.jsonl").write_text("".join(kept) + torn[: len(torn) // 2], encoding="utf-8")
    assert len(done_ids(tmp_path / "documents.jsonl")) == 3
    assert doc_lines(tmp_path) == kept  # the torn piece is gone
    summary = run_to_folder(inputs, tmp_path, resume=True)
    assert summary.skipped == 3
    assert outputs(tmp_path) == outputs(fresh)


def test_resume_skips_by_content_not_by_name(inputs, fresh, tmp_path):
    run_to_folder(inputs, tmp_path)
    renamed = tmp_path / "renamed.txt"
    first_doc = json.loads(doc_lines(fresh)[0])
    renamed.write_bytes(Path(first_doc["source"]).read_bytes())
    summary = run_to_folder([str(renamed)], tmp_path, resume=True)
    assert (summary.skipped, summary.documents, summary.errors) == (1, 0, 0)
    assert doc_lines(tmp_path) == doc_lines(fresh)


def test_errors_are_tried_again_not_repeated(inputs, fresh, tmp_path):
    run_to_folder(inputs, tmp_path)
    run_to_folder(inputs, tmp_path, resume=True)
    errors = [json.loads(x)["source"] for x in (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == len(set(errors)) == 2


def test_cli_resume_reports_what_it_skipped(inputs, fresh, tmp_path):
    folder = str(Path(inputs[0]).parent)
    runner = CliRunner()
    first = runner.invoke(main, ["run", *inputs[:6], "--out", str(tmp_path), "-j", "1"])
    assert first.exit_code == 1, first.output  # inputs[:6] holds the empty file
    assert "5 documents, 1 errors" in first.output
    again = runner.invoke(main, ["run", folder, "--out", str(tmp_path), "-j", "2", "--resume"])
    done = len(done_ids(fresh / "documents.jsonl"))
    assert f"{done - 5} documents, 2 errors" in again.output
    assert "5 already done (skipped)" in again.output
    assert outputs(tmp_path) == outputs(fresh)


def test_resume_on_a_dask_cluster(inputs, tmp_path):
    pytest.importorskip("distributed")
    some = inputs[:8]  # with the empty file
    run_to_folder(some[:3], tmp_path, jobs=1)
    before = doc_lines(tmp_path)
    summary = run_to_folder(some, tmp_path, dask="local", jobs=2, batch_size=2, resume=True)
    assert summary.skipped == 3 and summary.errors == 1
    assert summary.documents == len(some) - 4
    lines = doc_lines(tmp_path)
    assert lines[:3] == before and len(lines) == len(some) - 1
    assert [json.loads(x)["source"] for x in lines] == [p for p in some if "empty" not in p]


def test_done_ids_reads_compact_and_spaced_lines_alike(tmp_path):
    """The writer's lines are compact; files written before that were spaced (`{"doc_id": "…`):
    both are read without parsing, and a line of another shape is parsed."""
    path = tmp_path / "documents.jsonl"
    path.write_text('{"doc_id":"0123456789abcdef","source":"a.txt"}\n'
                    '{"doc_id": "fedcba9876543210", "source": "b.txt"}\n'
                    '{"source": "c.txt", "doc_id": "00112233445566ff"}\n', encoding="utf-8")
    assert done_ids(path) == {"0123456789abcdef", "fedcba9876543210", "00112233445566ff"}
