"""The compiled build (mypyc, setup.py) gives the same JSON lines as the Python source.

Builds the stage modules into a temporary copy of the package and runs both over the real
texts: ../shared/corpus, ../shared/web/corpus (when present) and corpora/.  The C is compiled
without optimisation (-O0: 20 CPU seconds instead of 60): what is tested is mypyc's translation
(its native classes, its run-time type checks), which the C compiler's level does not change;
TONGBAO_OPT_LEVEL=3 tests the build users get (bench/run.py compares that one's output too).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT, real_files, sample_files

# the compiled build runs with 2 jobs: what its workers are sent must pickle
RUN = textwrap.dedent("""
    import sys
    root, compiled, out = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
    sys.path.insert(0, root)
    import pipeline
    from pipeline.runner import run_to_folder
    assert pipeline.__file__.startswith(root) and pipeline.compiled() == compiled, pipeline.__file__
    run_to_folder(sys.stdin.read().splitlines(), out, jobs=2 if compiled else 1)
""")


def _texts() -> list[str]:
    return [str(p) for p in real_files("corpus") + real_files("web/corpus") + sample_files()]


def _lines(root: Path, compiled: bool, texts: list[str], out: Path) -> list[str]:
    subprocess.run([sys.executable, "-c", RUN, str(root), "1" if compiled else "0", str(out)], cwd=root,
                   input="\n".join(texts), capture_output=True, text=True, check=True)
    return [line for name in ("documents.jsonl", "errors.jsonl")
            for line in (out / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def compiled_copy(tmp_path_factory) -> Path:
    pytest.importorskip("mypyc", reason="mypy (its mypyc) is in the test extra")
    if not shutil.which(sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc"):
        pytest.skip("no C compiler")
    tree = tmp_path_factory.mktemp("compiled")
    shutil.copytree(ROOT / "pipeline", tree / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    for name in ("configs", "models"):
        (tree / name).symlink_to(ROOT / name)
    env = {"TONGBAO_OPT_LEVEL": "0", **os.environ, "TONGBAO_COMPILE": "1"}
    subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=tree, env=env,
                   check=True, capture_output=True)
    return tree


def test_compiled_stages_give_the_same_lines(compiled_copy, tmp_path):
    texts = _texts()
    pure = _lines(ROOT, False, texts, tmp_path / "pure")
    compiled = _lines(compiled_copy, True, texts, tmp_path / "compiled")
    assert len(pure) == len(texts)
    differ = [a[:80] for a, b in zip(pure, compiled) if a != b]
    assert pure == compiled, differ
