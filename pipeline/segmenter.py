"""Word segmentation behind one small interface, chosen in configs/segmenter.toml.

`cut(text)` returns the words of `text`; every backend keeps jieba's semantics
(same dictionary, user dictionaries from models/ loaded once per process).
"""
from __future__ import annotations

import functools

from . import config


@functools.lru_cache(maxsize=1)
def backend() -> str:
    return config.load("segmenter").get("backend", "jieba")


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(60)
    return jieba


def cut(text: str) -> list[str]:
    if backend() == "rjieba":
        import rjieba
        return rjieba.cut(text)
    return _jieba().lcut(text)
