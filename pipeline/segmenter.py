"""Word segmentation behind one small interface, chosen in configs/segmenter.toml.

    cut(text)       -> the words of `text`
    tokenize(text)  -> (word, start, end) with `text[start:end] == word`
    tag(text)       -> (word, part of speech), jieba's tag set (jieba and rjieba only)

Backends (docs/scale.md has their costs):
  rjieba  jieba's dictionary and algorithm in Rust, ~40x faster than jieba; the
          default.  It keeps an ASCII run such as `2025-10-30` whole where jieba
          splits it at `-`, `.`, `_`; those tokens are re-split jieba's way, so
          the words are jieba's.
  jieba   the pure-Python original.
  pkuseg  pkuseg's default model: other segmentation, far slower (optional extra).

Every backend loads once per process, with the jieba-format user dictionaries
(`word [freq] [tag]` per line) listed in the config.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import regex

from . import config

# how jieba splits ASCII it has no word for: runs of its word characters are cut
# into letters-and-digits (a decimal, a percent) and the stretches between them;
# any other character stands alone
_JIEBA_BLOCK = regex.compile(r"[a-zA-Z0-9+#&._%\-]+|.", regex.S)
_JIEBA_SKIP = regex.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_JIEBA_SPLITS = regex.compile(r"[a-zA-Z0-9+#&._%\-][+#&._%\-]|[+#&._%\-][a-zA-Z0-9+#&._%\-]")
_KEPT = regex.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?")


def jieba_ascii(token: str) -> list[str]:
    """An ASCII token of rjieba re-split as jieba splits it (`2025-10-30` -> 2025 - 10 - 30)."""
    out: list[str] = []
    for block in _JIEBA_BLOCK.findall(token):
        out.extend(x for x in _JIEBA_SKIP.split(block) if x) if len(block) > 1 else out.append(block)
    return out


def settings() -> dict:
    return config.load("segmenter")


def user_dict_paths() -> list[Path]:
    """The configured user dictionaries, relative to the configs folder or models/."""
    paths = []
    for name in settings().get("user_dicts", []):
        for base in (config.config_dir(), config.MODELS_DIR):
            if (base / name).is_file():
                paths.append(base / name)
                break
        else:
            raise FileNotFoundError(f"user dictionary {name!r} (configs/segmenter.toml) not found "
                                    f"in {config.config_dir()} or {config.MODELS_DIR}")
    return paths


def user_words() -> list[tuple[str, int | None, str | None]]:
    words = []
    for path in user_dict_paths():
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            parts = line.split()
            if not parts:
                continue
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
            words.append((parts[0], freq, tag))
    return words


def _make_rjieba(hmm: bool) -> "Backend":
    import rjieba
    seg = rjieba.Jieba()
    for word, freq, tag in user_words():
        seg.add_word(word, freq, tag)

    def cut(text: str) -> list[str]:
        words = seg.cut(text, hmm)
        if not _JIEBA_SPLITS.search(text):
            return words
        out = []
        for w in words:
            # a dictionary word such as C++ stays whole; 92.5 and 3.5% are whole in jieba too
            if w.isascii() and _JIEBA_SPLITS.search(w) and not _KEPT.fullmatch(w) and not seg.has_word(w):
                out.extend(jieba_ascii(w))
            else:
                out.append(w)
        return out
    # rjieba's tags come from the dictionary (`x` for unknown words): not posseg's per-character HMM
    return Backend(cut, lambda text: seg.tag(text, hmm))  # already a list of (word, tag) tuples


def _make_jieba(hmm: bool) -> "Backend":
    import jieba
    import jieba.posseg
    jieba.setLogLevel(60)
    seg = jieba.Tokenizer()
    for word, freq, tag in user_words():
        seg.add_word(word, freq, tag)
    tagger = jieba.posseg.POSTokenizer(seg)
    return Backend(lambda text: seg.lcut(text, HMM=hmm),
                   lambda text: [(p.word, p.flag) for p in tagger.cut(text, HMM=hmm)])


def _make_pkuseg(hmm: bool) -> "Backend":
    try:
        import pkuseg
    except ImportError as exc:
        raise ImportError("backend 'pkuseg' needs the optional pkuseg package: "
                          "pip install numpy cython wheel && pip install --no-build-isolation pkuseg "
                          "(docs/scale.md)") from exc
    words = [w for w, _, _ in user_words()]
    model = settings().get("pkuseg_model", "default")
    seg = pkuseg.pkuseg(model_name=model, user_dict=words or "default")
    return Backend(seg.cut, None)  # its tagging model is a download: not offline


@dataclass(frozen=True)
class Backend:
    cut: Callable[[str], list[str]]
    tag: Callable[[str], list[tuple[str, str]]] | None


BACKENDS = {"rjieba": _make_rjieba, "jieba": _make_jieba, "pkuseg": _make_pkuseg}


@functools.lru_cache(maxsize=1)
def segmenter() -> Backend:
    """The configured backend, built once per process."""
    name = settings().get("backend", "rjieba")
    if name not in BACKENDS:
        raise ValueError(f"unknown segmenter backend {name!r} in configs/segmenter.toml; "
                         f"choose one of {sorted(BACKENDS)}")
    return BACKENDS[name](bool(settings().get("hmm", True)))


def backend() -> str:
    return settings().get("backend", "rjieba")


def cut(text: str) -> list[str]:
    return segmenter().cut(text)


def tag(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) pairs, in jieba's tag set (`nt` organisation, `nr` person…)."""
    backend = segmenter()
    if backend.tag is None:
        raise NotImplementedError(f"the {settings().get('backend')!r} segmenter does not tag parts of speech")
    return backend.tag(text)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words with their offsets in `text` (a backend that drops spaces is fine)."""
    out, pos = [], 0
    for w in cut(text):
        start = text.find(w, pos)
        if start < 0:
            continue
        pos = start + len(w)
        out.append((w, start, pos))
    return out
