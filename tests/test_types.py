"""The package passes mypy (configured in pyproject.toml): the compiled build (mypyc) relies
on its annotations being right, as it checks them at run time."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_errors():
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT,
                          capture_output=True, text=True)
    errors = [ln for ln in done.stdout.splitlines() if ": error:" in ln]
    assert done.returncode == 0 and not errors, done.stdout + done.stderr
