"""tongbao's throughput against plain jieba segmentation, on a large built corpus.

    python bench/run.py                   # 50 MB corpus, 1 job and all cores
    python bench/run.py --size-mb 5       # a quick look
    python bench/run.py --measure-mb 10   # build 50 MB, time the first 10 MB only
    python bench/run.py --profile         # + the functions that cost most (cProfile)

Reports, in one run: tongbao's MB/s and documents/s with 1 and N jobs, the
throughput of `jieba.lcut` alone on the same text (the baseline) and of the
configured segmenter alone, their ratios, peak RSS (whole process tree and
largest process, sampled), and the share of time of each stage.  Each
measurement runs in its own process; figures are printed, never asserted.

When mypyc is importable (mypy, in the test extra) the 1- and N-job runs are of the
compiled build (setup.py, `make compiled`: what batch users install), and the pure
Python source is measured with 1 job too; each figure says which it is.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the measuring processes import a snapshot of the code taken when the bench starts,
# so that every figure (and the 1-job / N-job comparison) is of the same code
CODE = Path(os.environ.get("TONGBAO_BENCH_CODE", ROOT))
sys.path.insert(0, str(CODE))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402  (bench/corpus.py)

# ------------------------------------------------------------------ children

def paths_from(list_file: Path):
    with open(list_file, encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n")


def child_tongbao(args) -> dict:
    from pipeline.runner import run_to_folder
    timings: dict[str, float] = {}
    taken = []

    def inputs():  # no new input once the time budget is spent
        deadline = time.perf_counter() + args.budget if args.budget else None
        for path in paths_from(args.inputs):
            if deadline and time.perf_counter() > deadline:
                return
            taken.append(path)
            yield path

    summary = run_to_folder(inputs(), args.out, jobs=args.jobs, timings=timings)
    if args.budget:
        Path(args.out, "taken.txt").write_text("".join(p + "\n" for p in taken), encoding="utf-8")
    return {"documents": summary.documents, "errors": summary.errors, "seconds": summary.seconds,
            "timings": timings}


def child_segment(args) -> dict:
    """Plain segmentation of the same texts: jieba.lcut, or tongbao's configured segmenter."""
    if args.child == "jieba":
        import jieba
        jieba.setLogLevel(60)
        jieba.initialize()
        cut = jieba.lcut
    else:
        from pipeline import segmenter
        segmenter.cut("预热")
        cut = segmenter.cut
    seconds = cpu = 0.0
    docs = 0
    for path in paths_from(args.inputs):
        text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
        started, started_cpu = time.perf_counter(), time.process_time()
        cut(text)
        seconds += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        docs += 1
    return {"documents": docs, "errors": 0, "seconds": seconds, "timings": {}, "cut_cpu": cpu}


# ------------------------------------------------------------------ parent

def measure(kind: str, inputs: Path, work: Path, jobs: int = 1, budget: float = 0, code: str = "code",
            name: str = "") -> dict:
    """Run one measurement in a child process (importing the snapshot work/`code`), sampling
    the RSS of its process tree."""
    import psutil
    out = work / f"out_{name or kind}_{jobs}"
    cmd = [sys.executable, __file__, "--child", kind, "--inputs", str(inputs), "--out", str(out),
           "--jobs", str(jobs), "--budget", str(budget)]
    env = {**os.environ, "TONGBAO_BENCH_CODE": str(work / code), "PYTHONPATH": str(work / code)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    ps = psutil.Process(proc.pid)
    samples = []  # (seconds since start, tree RSS, largest process RSS, tree PSS)
    started = time.perf_counter()
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            rss = [p.memory_info().rss for p in tree]
            # PSS shares each shared page among the processes that map it: the tree's real memory
            pss = sum(getattr(p.memory_full_info(), "pss", 0) for p in tree)
            samples.append((time.perf_counter() - started, sum(rss), max(rss), pss))
        except psutil.Error:
            pass
        time.sleep(0.1)
    result = json.loads(proc.stdout.read())
    result["wall"] = time.perf_counter() - started
    result["peak_tree"] = max((s[1] for s in samples), default=0)
    result["peak_process"] = max((s[2] for s in samples), default=0)
    result["peak_pss"] = max((s[3] for s in samples), default=0)
    result["rss_quartiles"] = [max((s[1] for s in samples if s[0] <= q * result["wall"]), default=0)
                               for q in (0.25, 0.5, 0.75, 1.0)]
    result["out"] = str(out)
    return result


def snapshot(work: Path) -> Path:
    """Copy pipeline/, configs/ and models/ to work/code for the measuring processes."""
    import shutil
    code = work / "code"
    if code.exists():
        shutil.rmtree(code)
    for name in ("pipeline", "configs", "models"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, code / name, ignore=shutil.ignore_patterns("__pycache__"))
    return code


def compiled_snapshot(work: Path) -> Path | None:
    """work/code built with mypyc into work/code_compiled (None: no mypyc here, or the build failed)."""
    import shutil
    try:
        import mypyc  # noqa: F401
    except ImportError:
        print("mypyc not importable (pip install mypy): measuring the pure Python source only")
        return None
    code = work / "code_compiled"
    if code.exists():
        shutil.rmtree(code)
    shutil.copytree(work / "code", code)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, code / name)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=code,
                          env={**os.environ, "TONGBAO_COMPILE": "1"}, capture_output=True, text=True)
    if done.returncode:
        print("the compiled build failed, measuring the pure Python source only:\n" + done.stderr[-2000:])
        return None
    print(f"compiled the snapshot with mypyc in {time.perf_counter() - started:.0f} s ({code})")
    return code


def select(root: Path, measure_mb: float) -> tuple[list[str], int]:
    """Corpus files in order, up to measure_mb (0: all)."""
    files, total = [], 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(folder.glob("*.txt")):
            if measure_mb and total >= measure_mb * 1e6:
                return files, total
            files.append(str(f))
            total += f.stat().st_size
    return files, total


def profile(files: list[str], mb: float = 1.0) -> None:
    import cProfile
    import pstats

    from pipeline.runner import Pipeline, run
    pipeline = Pipeline()
    chosen, total = [], 0
    for f in files:
        if total >= mb * 1e6:
            break
        chosen.append(f)
        total += os.path.getsize(f)
    prof = cProfile.Profile()
    prof.enable()
    for _ in run(chosen, pipeline):
        pass
    prof.disable()
    print(f"\nprofile: one job over {len(chosen)} files ({total / 1e6:.1f} MB), top functions by own time")
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(15)


def mb(x: float) -> str:
    return f"{x / 1e6:.0f} MB"


def same_output(a: dict, b: dict) -> bool:
    """Whether two runs wrote the same documents.jsonl, byte for byte."""
    return Path(a["out"], "documents.jsonl").read_bytes() == Path(b["out"], "documents.jsonl").read_bytes()


def report(runs: dict, total_bytes: int, jobs: int, build: str) -> None:
    rate = {k: total_bytes / 1e6 / r["seconds"] for k, r in runs.items()}
    cpu_rate = {k: total_bytes / 1e6 / r["cpu"] for k, r in runs.items()}
    print(f"\n{'measurement':34s} {'MB/s':>7s} {'docs/s':>8s} {'seconds':>8s} {'CPU s':>7s} {'MB/CPU-s':>9s} "
          f"{'peak RSS tree':>14s} {'largest proc':>13s}  vs jieba.lcut (wall, CPU)")
    labels = {"jieba": "jieba.lcut alone (baseline)", "segmenter": "tongbao segmenter alone",
              "tongbao_1": f"tongbao, 1 job, {build}", f"tongbao_{jobs}": f"tongbao, {jobs} jobs, {build}",
              "pure_1": "tongbao, 1 job, pure Python"}
    for key, label in labels.items():
        if key not in runs:
            continue
        r = runs[key]
        print(f"{label:34s} {rate[key]:7.2f} {r['documents'] / r['seconds']:8.1f} {r['seconds']:8.1f} "
              f"{r['cpu']:7.1f} {cpu_rate[key]:9.3f} "
              f"{mb(r['peak_tree']):>14s} {mb(r['peak_process']):>13s}  {rate[key] / rate['jieba']:6.2f}x "
              f"{cpu_rate[key] / cpu_rate['jieba']:6.2f}x")
    print(f"\ntongbao 1 job ({build}) / jieba.lcut:  {rate['tongbao_1'] / rate['jieba']:.2f}x wall, "
          f"{cpu_rate['tongbao_1'] / cpu_rate['jieba']:.2f}x per CPU second  (goal >= 2)")
    if "pure_1" in runs:
        print(f"tongbao 1 job (pure Python) / jieba.lcut:  {rate['pure_1'] / rate['jieba']:.2f}x wall, "
              f"{cpu_rate['pure_1'] / cpu_rate['jieba']:.2f}x per CPU second; compiled / pure: "
              f"{cpu_rate['tongbao_1'] / cpu_rate['pure_1']:.2f}x per CPU second")
        print(f"output of the compiled and the pure Python build byte-identical: "
              f"{same_output(runs['tongbao_1'], runs['pure_1'])}")
    if f"tongbao_{jobs}" in runs:
        print(f"tongbao {jobs} jobs / 1 job:        {rate[f'tongbao_{jobs}'] / rate['tongbao_1']:.2f}x  "
              f"(goal >= 1.7 with 2 jobs)")
        cpu_1, cpu_n = runs["tongbao_1"]["cpu"], runs[f"tongbao_{jobs}"]["cpu"]
        print(f"  CPU seconds, 1 job / {jobs} jobs: {cpu_1:.1f} / {cpu_n:.1f}: on an idle machine "
              f"{jobs} jobs would give {jobs * cpu_1 / cpu_n:.2f}x (extra work of parallel runs: "
              f"{cpu_n / cpu_1 - 1:+.0%})")
        same = same_output(runs["tongbao_1"], runs[f"tongbao_{jobs}"])
        print(f"output of 1 and {jobs} jobs byte-identical: {same}")
    for key in (k for k in runs if k.startswith(("tongbao", "pure"))):
        r = runs[key]
        print(f"peak memory, {key}: largest process RSS {mb(r['peak_process'])}, whole tree RSS "
              f"{mb(r['peak_tree'])}, whole tree PSS {mb(r['peak_pss'])}  (goal: RSS < 400 MB)")
    q = runs["tongbao_1"]["rss_quartiles"]
    print("RSS of 1 job at 25/50/75/100% of the run: " + " / ".join(mb(x) for x in q) + "  (flat once loaded = streaming)")
    t = runs["tongbao_1"]["timings"]
    wall = runs["tongbao_1"]["seconds"]
    print(f"\nstage shares, 1 job, {build} ({wall:.1f} s wall):")
    for name, sec in sorted(t.items(), key=lambda kv: -kv[1]):
        print(f"  {name:14s} {sec:8.2f} s  {sec / wall:6.1%}")
    other = wall - sum(t.values())
    print(f"  {'(startup etc.)':14s} {other:8.2f} s  {other / wall:6.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=50.0, help="size of the built corpus (default 50)")
    ap.add_argument("--measure-mb", type=float, default=0.0,
                    help="time only the first MB of the corpus (default 0: all of it)")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="seconds for the 1-job run to take inputs; every other measurement then runs "
                         "on exactly the files it took (default 120; 0: the whole selection)")
    ap.add_argument("--jobs", type=int, default=None, help="the N of the N-job run (default: all cores)")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "data", help="corpus and outputs")
    ap.add_argument("--profile", action="store_true", help="also profile one job over 1 MB")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        import resource

        import pipeline
        assert Path(pipeline.__file__).resolve().is_relative_to(CODE.resolve()), pipeline.__file__
        result = child_tongbao(args) if args.child == "tongbao" else child_segment(args)
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds: of the whole process tree; for plain segmentation, inside the cut calls
        result["cpu"] = result.pop("cut_cpu", own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime)
        print(json.dumps(result))
        return
    from pipeline.runner import default_jobs
    jobs = args.jobs or default_jobs()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    manifest = corpus.build(args.work / "corpus", args.size_mb)
    print(f"corpus: {manifest['files']} files, {manifest['bytes'] / 1e6:.1f} MB, varied from "
          f"{manifest['sources']} documents ({time.perf_counter() - started:.1f} s) in {args.work / 'corpus'}")
    snapshot(args.work)
    code = "code_compiled" if compiled_snapshot(args.work) else "code"
    build = "compiled" if code == "code_compiled" else "pure Python"
    files, total = select(args.work / "corpus", args.measure_mb)
    inputs = args.work / "inputs.txt"
    inputs.write_text("".join(f + "\n" for f in files), encoding="utf-8")
    print(f"measuring on {len(files)} files, {total / 1e6:.1f} MB; {os.cpu_count()} cores; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    runs = {"tongbao_1": measure("tongbao", inputs, args.work, 1, args.budget, code=code)}
    taken = Path(runs["tongbao_1"]["out"], "taken.txt")
    if args.budget and taken.exists():  # the same files for every other measurement
        files = taken.read_text(encoding="utf-8").splitlines()
        total = sum(os.path.getsize(f) for f in files)
        inputs.write_text("".join(f + "\n" for f in files), encoding="utf-8")
        print(f"  the 1-job run took {len(files)} files, {total / 1e6:.2f} MB in its {args.budget:.0f} s "
              f"budget: every figure is on these", flush=True)
    print(f"  tongbao_1: {runs['tongbao_1']['seconds']:.1f} s", flush=True)
    for kind, j in [("jieba", 1), ("segmenter", 1)] + ([("tongbao", jobs)] if jobs > 1 else []):
        key = kind if kind != "tongbao" else f"tongbao_{j}"
        runs[key] = measure(kind, inputs, args.work, j, code=code)
        print(f"  {key}: {runs[key]['seconds']:.1f} s", flush=True)
    if code != "code":  # the pure Python source, on the same files
        runs["pure_1"] = measure("tongbao", inputs, args.work, 1, name="pure")
        print(f"  pure_1: {runs['pure_1']['seconds']:.1f} s", flush=True)
    report(runs, total, jobs, build)
    print(f"load average after: {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    if args.profile:
        profile(files)


if __name__ == "__main__":
    main()
