"""Worker processes and Dask: same bytes as one process, in input order, every
input accounted for, inputs consumed lazily, each worker's pipeline built once."""
from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import registry
from pipeline.reader import Limits
from pipeline.runner import Pipeline, run, run_to_folder

from .conftest import real_files, sample_files

CRASH = "让工作进程退出的标记"  # the probe stage kills its worker process on text holding this
FAIL = "让阶段出错的标记"       # ... and raises on text holding this
SLOW = "让阶段变慢的标记"       # ... and sleeps for a minute on text holding this
PROBE_STAGES = ["normalise", "scale_probe"]


@registry.register("scale_probe")
def make_probe():
    """A test stage: flags the process and the pipeline instance that ran it."""
    instance = f"{os.getpid()}:{id(object())}"

    def probe(doc):
        if CRASH in doc.raw:
            os._exit(3)
        if FAIL in doc.raw:
            raise RuntimeError("probe failure")
        if SLOW in doc.raw:
            time.sleep(60)
        doc.flag("probe", f"{instance}|{os.getpid()}")
        return doc
    return probe


def make_inputs(folder: Path, extra: dict[str, bytes] | None = None) -> list[str]:
    """Copies of the samples (and the real documents when present), with bad files mixed in."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = (sample_files() + real_files() + real_files("web/corpus"))[:24]
    assert len(sources) >= 6, "needs sample documents in corpora/"
    files = {f"{i:03d}_{p.name}": p.read_bytes() for i, p in enumerate(sources)}
    files["004b_empty.txt"] = b""
    files["010b_binary.txt"] = b"%PDF-1.4\x00\x01\x02 binary"
    files.update(extra or {})
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [str(folder / name) for name in sorted(files)]


def outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "documents.jsonl").read_bytes(), (out / "errors.jsonl").read_bytes()


def sources_in_order(out: Path) -> list[str]:
    """Sources of documents and errors: each file lists them in input order."""
    return [json.loads(line)["source"] for name in ("documents.jsonl", "errors.jsonl")
            for line in (out / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    return make_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def single(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("single")
    run_to_folder(inputs, out, jobs=1)
    return out


def test_one_process_accounts_for_every_input_in_order(inputs, single):
    docs = (single / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    errors = [json.loads(x) for x in (single / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) + len(errors) == len(inputs)
    assert {e["code"] for e in errors} == {"empty", "binary"}
    doc_sources = [json.loads(d)["source"] for d in docs]
    assert doc_sources == [p for p in inputs if p in set(doc_sources)]


@pytest.mark.parametrize("jobs,batch_size", [(2, 1), (2, 16), (3, 4)])
def test_worker_processes_write_the_same_bytes(inputs, single, tmp_path, jobs, batch_size):
    summary = run_to_folder(inputs, tmp_path, jobs=jobs, batch_size=batch_size)
    assert outputs(tmp_path) == outputs(single)
    assert summary.documents + summary.errors == len(inputs)


def test_dask_local_cluster_writes_the_same_bytes(inputs, tmp_path):
    pytest.importorskip("distributed")
    inputs = inputs[:13]  # with the empty and the binary file
    # the single-process reference runs in a new process too, so that both import the code
    # as it is now (the Dask workers are new interpreters)
    single = tmp_path / "single"
    subprocess.run([sys.executable, "-m", "pipeline", "run", *inputs, "--out", str(single), "-j", "1", "-q"],
                   check=False, timeout=600)
    timings: dict[str, float] = {}
    summary = run_to_folder(inputs, tmp_path / "dask", dask="local", jobs=2, batch_size=4, timings=timings)
    assert outputs(tmp_path / "dask") == outputs(single)
    assert summary.documents + summary.errors == len(inputs)
    assert timings["normalise"] > 0  # timings come back from the Dask workers


def test_the_pipeline_is_built_once_and_shared_by_the_workers(inputs):
    outcomes = list(run(inputs, jobs=2, batch_size=2, stages=PROBE_STAGES))
    probes = [f["message"].split("|") for o in outcomes if o.document for f in o.document["flags"]
              if f["code"] == "probe"]
    assert len(probes) == sum(o.error is None for o in outcomes)
    built = {instance for instance, _ in probes}
    ran_in = {pid for _, pid in probes}
    assert len(built) == 1 and built.pop().startswith(f"{os.getpid()}:")  # built once, here, before the fork
    assert str(os.getpid()) not in ran_in and 1 <= len(ran_in) <= 2  # used by the workers


def test_a_crashed_worker_costs_only_its_own_input(tmp_path):
    crash = f"关于考核结果的通报\n{CRASH}\n".encode()
    fail = f"关于考核结果的通报\n{FAIL}\n".encode()
    inputs = make_inputs(tmp_path / "in", {"002b_crash.txt": crash, "007b_fail.txt": fail})
    outcomes = list(run(inputs, jobs=2, batch_size=3, stages=PROBE_STAGES))
    assert [o.source for o in outcomes] == inputs
    errors = {Path(o.source).name: o.error for o in outcomes if o.error}
    assert set(errors) == {"002b_crash.txt", "007b_fail.txt", "004b_empty.txt", "010b_binary.txt"}
    assert errors["002b_crash.txt"]["code"] == "internal"
    assert "died" in errors["002b_crash.txt"]["message"]
    assert "scale_probe" in errors["007b_fail.txt"]["message"]
    assert all(o.document["flags"] for o in outcomes if o.error is None)


def test_inputs_are_consumed_lazily(inputs):
    consumed = 0

    def endless():
        nonlocal consumed
        for path in itertools.cycle(inputs):
            consumed += 1
            yield path

    outcomes = run(endless(), jobs=2, batch_size=2, stages=["normalise"])
    first = list(itertools.islice(outcomes, 10))
    outcomes.close()  # stops the workers
    assert [o.source for o in first] == inputs[:10]
    assert consumed <= 10 + 2 * 4 * 2 + 2  # what was written, plus the window in flight


@pytest.mark.parametrize("jobs", [1, 2])
def test_timings_cover_reading_and_every_stage(inputs, jobs):
    timings: dict[str, float] = {}
    outcomes = list(run(inputs, jobs=jobs, timings=timings))
    names = [name for name, _ in Pipeline().stages]
    assert set(names) | {"read", "serialise"} <= set(timings)
    assert all(timings[n] > 0 for n in ["read", "serialise", *names])
    assert len(outcomes) == len(inputs)


def test_cli_jobs_option(inputs, single, tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main
    folder = Path(inputs[0]).parent
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path), "--jobs", "2", "-q"])
    assert result.exit_code == 1  # the empty and binary files
    assert outputs(tmp_path) == outputs(single)
    shutil.rmtree(tmp_path)


def test_a_pipeline_that_cannot_be_built_stops_the_run(inputs):
    with pytest.raises(KeyError, match="no_such_stage"):
        list(run(inputs, jobs=2, stages=["normalise", "no_such_stage"]))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_over_max_seconds_is_a_timeout_and_the_run_goes_on(tmp_path, jobs):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for name, text in [("a.txt", "第一份通报"), ("b.txt", SLOW), ("c.txt", "第三份通报")]:
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    started = time.perf_counter()
    outcomes = list(run(paths, jobs=jobs, batch_size=1, stages=PROBE_STAGES,
                        limits=Limits(None, None, max_seconds=0.5)))
    assert time.perf_counter() - started < 30  # not the probe's minute
    assert [o.error["code"] if o.error else "document" for o in outcomes] == ["document", "timeout", "document"]
    assert "0.5 s in stage 'scale_probe'" in outcomes[1].error["message"]


def test_workers_apply_the_limits_of_the_run_not_their_environment(inputs, monkeypatch):
    """Limits travel with the work (a Dask worker on another machine has its own environment)."""
    monkeypatch.delenv("TONGBAO_MAX_BYTES", raising=False)
    sizes = {p: os.path.getsize(p) for p in inputs[:6]}
    limit = sorted(sizes.values())[2]
    outcomes = list(run(inputs[:6], jobs=2, batch_size=1, stages=PROBE_STAGES,
                        limits=Limits(max_bytes=limit, max_line_length=None)))
    too_large = {o.source for o in outcomes if o.error and o.error["code"] == "too_large"}
    assert too_large == {p for p, n in sizes.items() if n > limit} and too_large
