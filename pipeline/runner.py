"""Run the stages over inputs: one document at a time, every input accounted for.

Inputs stream through: paths are discovered lazily, each document is processed
and written as one whole JSONL line before the next is read, so memory stays
flat whatever the number of files.  The same work runs in this process
(`jobs=1`), in worker processes (`jobs=N`), or on a Dask cluster (`dask=...`);
each worker builds the pipeline (configs, dictionaries) once, and results are
yielded in input order, so the output is byte-identical whatever the mode.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Container, Iterable, Iterator

from . import registry
from .model import Document, doc_id_of
from .reader import InputError, Limits, read
from .writer import JsonlWriter, dumps

log = logging.getLogger("tongbao")

DOCUMENTS, ERRORS = "documents.jsonl", "errors.jsonl"


class Outcome:
    """What became of one input: a document dict, an error record, or a skip (resume).

    A worker process sends back the serialised line rather than the dict (cheaper
    to ship); `document` parses it back on demand.
    """
    __slots__ = ("source", "error", "skipped", "_document", "_line")

    def __init__(self, source: str, document: dict | None = None, error: dict | None = None,
                 skipped: bool = False, line: str | None = None):
        self.source, self.error, self.skipped = source, error, skipped
        self._document, self._line = document, line

    @property
    def document(self) -> dict | None:
        if self._document is None and self._line is not None and self.error is None:
            self._document = json.loads(self._line)
        return self._document

    def to_line(self) -> str:
        """The JSONL line (no line break) for documents.jsonl or errors.jsonl."""
        if self._line is None:
            self._line = dumps(self.error if self.error is not None else self._document)
        return self._line

    def shipped(self) -> "Outcome":
        """A copy that carries the line only: what a worker sends back."""
        line = None if self.skipped else self.to_line()
        return Outcome(self.source, error=self.error, skipped=self.skipped, line=line)

    def __repr__(self) -> str:
        kind = "skipped" if self.skipped else "error" if self.error is not None else "document"
        return f"Outcome({self.source!r}, {kind})"


class Pipeline:
    """The configured stages.  With `timings` (a dict), the seconds spent in each
    stage, and in reading and serialising, are added to it under the stage name."""

    def __init__(self, stages: list[str] | None = None, timings: dict[str, float] | None = None):
        self.stages = registry.build(stages)
        self.timings = timings
        self.running = ""  # the stage at work: a timeout names it

    def __call__(self, doc: Document) -> Document:
        timings = self.timings
        for name, stage in self.stages:
            self.running = name
            started = time.perf_counter() if timings is not None else 0.0
            try:
                doc = stage(doc)
            except Exception as exc:  # one stage failing one document must not stop the run
                exc.stage = name  # type: ignore[attr-defined]
                raise
            finally:
                if timings is not None:
                    _add(timings, name, started)
        return doc

    def process_text(self, raw: str, source: str = "<text>") -> Document:
        return self(Document.from_text(raw, source))

    def process_path(self, path: str, skip: Container[str] = (), limits: Limits | None = None) -> Outcome:
        """Process one file.  Inputs whose doc_id is in `skip` are not processed (resume).
        `limits`: configs/limits.toml and the environment when not given."""
        limits = limits or Limits.current()
        started = time.perf_counter()
        try:
            decoded = read(path, limits)
        except InputError as err:
            return Outcome(path, error=error_record(path, err.code, err.message))
        finally:
            if self.timings is not None:
                _add(self.timings, "read", started)
        doc_id = doc_id_of(decoded.data)
        if doc_id in skip:
            return Outcome(path, skipped=True)
        doc = Document(raw=decoded.text, source=path, doc_id=doc_id, encoding=decoded.encoding)
        try:
            with deadline(limits.max_seconds):
                doc = self(doc)
        except DocumentTimeout:
            return Outcome(path, error=error_record(
                path, "timeout", f"stopped after {limits.max_seconds:g} s in stage '{self.running}' "
                                 "(raise it with --max-seconds or in configs/limits.toml)", doc.doc_id))
        except Exception as exc:
            stage = getattr(exc, "stage", "?")
            log.debug("stage %s failed on %s\n%s", stage, path, traceback.format_exc())
            return Outcome(path, error=error_record(
                path, "internal", f"stage '{stage}' failed: {type(exc).__name__}: {exc}", doc.doc_id))
        started = time.perf_counter()
        outcome = Outcome(path, line=doc.to_json())  # parsed back only if `document` is asked for
        if self.timings is not None:
            _add(self.timings, "serialise", started)
        return outcome


class DocumentTimeout(BaseException):
    """One document's stages ran over max_seconds.  A BaseException, so that no
    `except Exception` inside a stage swallows it."""


@contextlib.contextmanager
def deadline(seconds: float | None):
    """Raise DocumentTimeout in the body after `seconds` (a timer signal: only in a
    process's main thread, where signals are delivered; elsewhere no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _add(timings: dict[str, float], name: str, started: float) -> None:
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def error_record(source: str, code: str, message: str, doc_id: str | None = None) -> dict:
    return {"source": source, "doc_id": doc_id, "code": code, "message": message}


def process_safely(pipeline: Pipeline, path: str, skip: Container[str] = (),
                   limits: Limits | None = None) -> Outcome:
    """process_path, serialised, with any failure at all turned into an error record."""
    try:
        outcome = pipeline.process_path(path, skip, limits)
        if not outcome.skipped:
            started = time.perf_counter()
            outcome.to_line()
            if pipeline.timings is not None:
                _add(pipeline.timings, "serialise", started)
        return outcome
    except Exception as exc:
        log.debug("failed on %s\n%s", path, traceback.format_exc())
        return Outcome(path, error=error_record(path, "internal", f"{type(exc).__name__}: {exc}"))


# ------------------------------------------------------------------ workers
# a notice with a header, a table, prose and a signature: running it loads what stages load lazily
WARM_UP = ("关于2024年第一季度工作考核结果的通报\n\n各乡镇人民政府，县直各单位：\n\n"
           "根据《考核办法》，县考核办对各乡镇进行了考核，现将结果通报如下。\n\n"
           "排名\t单位\t得分\n1\t东风镇\t95.5\n2\t西湖乡\t93.2\n\n"
           "各单位要认真整改，我们将加强督查。\n\n县考核工作领导小组办公室\n2024年4月1日\n")

# Per worker process: pipelines built once (keyed by stage list), and the resume set.
_WORKER: dict = {}


def _pipeline_key(stages: list[str] | None, timed: bool) -> tuple:
    return (tuple(stages) if stages is not None else None, timed)


def _worker_pipeline(stages: list[str] | None, timed: bool) -> Pipeline:
    key = _pipeline_key(stages, timed)
    if key not in _WORKER:
        _WORKER[key] = Pipeline(stages, timings={} if timed else None)
    return _WORKER[key]


def _init_worker(skip: Container[str]) -> None:
    # a pipeline not inherited from the parent is built by the first batch: a failure to
    # build it is then an ordinary exception that stops the run, not a crashed pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    gc.set_threshold(*GC_THRESHOLD)
    _WORKER["skip"] = skip


def work_batch(paths: list[str], stages: list[str] | None = None, timed: bool = False,
               skip: Container[str] | None = None,
               limits: Limits | None = None) -> tuple[list[Outcome], dict[str, float]]:
    """Process a batch of paths in a worker: (shipped outcomes, stage seconds spent).
    `limits` come from the process that started the run (a Dask worker does not see
    its environment)."""
    pipeline = _worker_pipeline(stages, timed)
    if skip is None:
        skip = _WORKER.get("skip", ())
    if pipeline.timings is not None:
        pipeline.timings.clear()
    outcomes = [process_safely(pipeline, p, skip, limits).shipped() for p in paths]
    return outcomes, dict(pipeline.timings or {})


def batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


@dataclass
class Workers:
    """Ordered, bounded fan-out of batches to an executor (process pool or Dask).

    At most `window` batches are in flight, so memory does not grow with the
    number of inputs.  A batch whose task dies (a crashed worker process, a lost
    Dask worker) is retried one input at a time; an input that fails alone becomes
    an error record, so every input still ends as a document or an error.
    """
    make_executor: Callable[[], Executor]
    task: Callable[..., tuple]   # work_batch: (paths, **kwargs) -> (outcomes, timings)
    kwargs: dict
    window: int
    executor: Executor | None = None
    generation: int = 0
    timings: dict[str, float] | None = None
    pending: deque = field(default_factory=deque)

    def run(self, batches: Iterable[list[str]]) -> Iterator[Outcome]:
        try:
            for batch in batches:
                self.pending.append((batch, self._submit(batch)))
                if len(self.pending) >= self.window:
                    yield from self._collect(*self.pending.popleft())
            while self.pending:
                yield from self._collect(*self.pending.popleft())
        finally:
            for _, (fut, _gen) in self.pending:
                fut.cancel()
            if self.executor is not None:
                _shutdown(self.executor, wait=True)

    def _submit(self, batch: list[str]) -> tuple[Future, int]:
        if self.executor is None:
            self.executor = self.make_executor()
        try:
            return self.executor.submit(self.task, batch, **self.kwargs), self.generation
        except BrokenProcessPool:
            self._restart(self.generation)
            return self.executor.submit(self.task, batch, **self.kwargs), self.generation

    def _restart(self, generation: int) -> None:
        if generation == self.generation:  # not restarted yet since that task was sent
            if self.executor is not None:
                _shutdown(self.executor, wait=False)
            self.executor = self.make_executor()
            self.generation += 1

    def _collect(self, batch: list[str], submitted: tuple[Future, int]) -> Iterator[Outcome]:
        fut, gen = submitted
        try:
            outcomes, timings = fut.result()
        except Exception as exc:
            if not worker_died(exc):  # not a document's fault (work_batch catches those): stop loudly
                raise
            log.warning("a worker failed on a batch of %d inputs (%s); retrying them one by one",
                        len(batch), type(exc).__name__)
            self._restart(gen) if isinstance(exc, BrokenProcessPool) else None
            yield from (self._alone(path) for path in batch)
            return
        if self.timings is not None:
            for name, seconds in timings.items():
                self.timings[name] = self.timings.get(name, 0.0) + seconds
        yield from outcomes

    def _alone(self, path: str) -> Outcome:
        fut, gen = self._submit([path])
        try:
            return fut.result()[0][0]
        except Exception as exc:
            if not worker_died(exc):
                raise
            self._restart(gen) if isinstance(exc, BrokenProcessPool) else None
            return Outcome(path, error=error_record(
                path, "internal", f"the worker processing it died: {type(exc).__name__}: {exc}"))


def worker_died(exc: BaseException) -> bool:
    """A worker process crashed or was lost (a process pool's or Dask's way of saying so)."""
    return isinstance(exc, BrokenProcessPool) or type(exc).__name__ == "KilledWorker"


def _shutdown(executor: Executor, wait: bool) -> None:
    if isinstance(executor, ProcessPoolExecutor):
        executor.shutdown(wait=wait, cancel_futures=True)
    else:  # Dask's executor knows no cancel_futures
        executor.shutdown(wait=wait)


def _fork_context():
    """Fork where there is fork: workers start at once and share the parent's loaded code."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(paths: Iterable[str], pipeline: Pipeline | None = None, *, jobs: int = 1,
        dask: str | None = None, batch_size: int = 16, skip: Collection[str] = frozenset(),
        stages: list[str] | None = None, timings: dict[str, float] | None = None,
        limits: Limits | None = None) -> Iterator[Outcome]:
    """Outcomes of `paths`, lazily and in input order.

    jobs      worker processes (1: in this process, with `pipeline` if given)
    dask      address of a Dask scheduler, or "local" for a LocalCluster of `jobs` workers
    skip      doc_ids not to process again (their outcomes are `skipped`)
    timings   if a dict, stage name -> seconds is added to it (summed over workers)
    limits    input size and time limits (default: configs/limits.toml and the environment,
              read once here and sent to every worker)
    """
    paths = iter(paths)
    limits = limits or Limits.current()
    with fewer_collections():
        yield from _run(paths, pipeline, jobs, dask, batch_size, skip, stages, timings, limits)


# The stages make many small objects per line and keep bounded caches (unit names, cells,
# line features); with the default threshold (700) the collector runs every few lines and
# walks those caches each time: 10-15% of the run.  The objects are nearly all acyclic and
# freed by reference counting, so collecting less often costs no memory to speak of.
GC_THRESHOLD = (20_000, 10, 10)


@contextlib.contextmanager
def fewer_collections():
    saved = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _run(paths, pipeline, jobs, dask, batch_size, skip, stages, timings, limits) -> Iterator[Outcome]:
    if dask:
        yield from _run_dask(paths, dask, jobs, batch_size, skip, stages, timings, limits)
        return
    head = list(itertools.islice(paths, 2))
    if jobs <= 1 or len(head) < 2:  # one input is not worth starting a worker for
        pipeline = pipeline or Pipeline(stages)
        saved = pipeline.timings
        if timings is not None:
            pipeline.timings = timings
        try:
            for path in itertools.chain(head, paths):
                yield process_safely(pipeline, path, skip, limits)
        finally:
            pipeline.timings = saved
        return
    timed = timings is not None
    context = _fork_context()
    key: tuple | None = _pipeline_key(stages, timed)
    if context.get_start_method() == "fork" and key not in _WORKER:
        # Load the pipeline here and warm its lazy resources (dictionaries, gazetteer) on a
        # made-up notice: forked workers then share those pages instead of loading their own.
        shared = _worker_pipeline(stages, timed)
        shared(Document.from_text(WARM_UP, "<warm-up>"))
        if shared.timings is not None:
            shared.timings.clear()
        gc.freeze()  # the workers' garbage collector must not write to the shared pages
    else:
        key = None
    make = functools.partial(ProcessPoolExecutor, jobs, mp_context=context,
                             initializer=_init_worker, initargs=(skip,))
    workers = Workers(make, work_batch, {"stages": stages, "timed": timed, "limits": limits},
                      window=jobs * 4, timings=timings)
    try:
        yield from workers.run(batched(itertools.chain(head, paths), batch_size))
    finally:
        if key is not None:
            del _WORKER[key]
            gc.unfreeze()




def _run_dask(paths: Iterator[str], address: str, jobs: int, batch_size: int, skip: Collection[str],
              stages: list[str] | None, timings: dict[str, float] | None,
              limits: Limits) -> Iterator[Outcome]:
    """Partitions of paths go to the cluster; JSONL partitions come back in order.

    The workers must see the inputs at the same paths (a shared file system) and
    have tongbao installed with the same configs (TONGBAO_CONFIG_DIR).
    """
    from distributed import Client, LocalCluster

    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        # (in a list: scatter would send the items of a bare set one by one)
        skip_data = client.scatter([frozenset(skip)], broadcast=True)[0] if skip else frozenset()
        kwargs = {"stages": stages, "timed": timings is not None, "skip": skip_data, "limits": limits}
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        workers = Workers(lambda: client.get_executor(pure=False), work_batch, kwargs,
                          window=n_workers * 4, timings=timings)
        yield from workers.run(batched(paths, batch_size))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------ to a folder

@dataclass
class Summary:
    documents: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0


def done_ids(path: Path) -> set[str]:
    """doc_ids of the whole lines of an existing documents.jsonl.

    A line torn by a hard kill (no final newline) is cut off first, so that
    appending starts on a clean line.
    """
    if not path.exists():
        return set()
    with open(path, "rb+") as fh:
        data_end = fh.seek(0, os.SEEK_END)
        keep = data_end
        while keep > 0:  # find the last newline, reading backwards
            step = min(keep, 1 << 16)
            fh.seek(keep - step)
            chunk = fh.read(step)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                keep = keep - step + nl + 1
                break
            keep -= step
        if keep != data_end:
            log.warning("%s ended in a torn line; cut it off", path)
            fh.truncate(keep)
    ids = set()
    # the writer puts doc_id first: no need to parse whole documents (the spaced form is
    # that of files written before the writer became compact)
    prefixes = ('{"doc_id":"', '{"doc_id": "')
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            prefix = next((p for p in prefixes if line.startswith(p)), None)
            if prefix and line[len(prefix) + 16:len(prefix) + 17] == '"':
                ids.add(line[len(prefix):len(prefix) + 16])
            elif line.strip():
                ids.add(json.loads(line)["doc_id"])
    return ids


def run_to_folder(paths: Iterable[str], out_dir: str | os.PathLike, *, resume: bool = False,
                  on_outcome: Callable[[Outcome], None] | None = None, **options) -> Summary:
    """Write documents.jsonl and errors.jsonl in `out_dir` (options as for `run`).

    With `resume`, inputs whose doc_id is already in documents.jsonl are skipped
    and new documents are appended; errors.jsonl is rewritten, since inputs that
    failed are tried again.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    skip = done_ids(out / DOCUMENTS) if resume else frozenset()
    summary = Summary()
    timings = options.get("timings")
    started = time.perf_counter()
    with JsonlWriter(out / DOCUMENTS, append=resume) as dw, JsonlWriter(out / ERRORS) as ew:
        for outcome in run(paths, skip=skip, **options):
            written = time.perf_counter()
            if outcome.skipped:
                summary.skipped += 1
            elif outcome.error is not None:
                ew.write_line(outcome.to_line())
                summary.errors += 1
            else:
                dw.write_line(outcome.to_line())
                summary.documents += 1
            if timings is not None:
                _add(timings, "write", written)
            if on_outcome:
                on_outcome(outcome)
    summary.seconds = time.perf_counter() - started
    return summary
