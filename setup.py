"""The compiled build: `TONGBAO_COMPILE=1 pip install .` (or `make compiled`) compiles the
stage modules with mypyc into C extensions; without it the package installs as pure Python.

The compiled modules are exactly the source files (type-checked by mypy): one built
from the same tree gives byte-identical output (tests/test_compiled.py checks it).
"""
import os
import sys

from setuptools import setup

# the stages and their helpers; not the command line, the runner, the model, the reader
# (its frozen Limits go to worker processes: a compiled one does not unpickle), the writers
# and readers of outputs, which spend their time elsewhere
COMPILED = [
    "checks", "commitments", "config", "dates", "elements", "entities", "gazetteer", "normalise",
    "pattern_words", "persons", "rankings", "registry", "rx", "section_cues", "segment",
    "segment_units", "segmenter", "spans", "table_records", "table_rows", "tables", "units",
]


def compiled_extensions() -> list:
    if os.environ.get("TONGBAO_COMPILE") != "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        if "egg_info" in sys.argv:  # pip asking for the build requirements: mypy is one (below)
            return []
        raise SystemExit("TONGBAO_COMPILE=1 needs mypy (its mypyc) where the package is built")
    # opt_level 3 (mypyc's default) is C's -O3; multi_file: one C file per module, compiled in
    # parallel by `build_ext --parallel` (TONGBAO_COMPILE_JOBS)
    return mypycify([f"pipeline/{m}.py" for m in COMPILED],
                    opt_level=os.environ.get("TONGBAO_OPT_LEVEL", "3"), multi_file=True)


setup(ext_modules=compiled_extensions(),
      setup_requires=["mypy>=1.10"] if os.environ.get("TONGBAO_COMPILE") == "1" else [],
      options={"build_ext": {"parallel": int(os.environ.get("TONGBAO_COMPILE_JOBS", os.cpu_count() or 1))}})
