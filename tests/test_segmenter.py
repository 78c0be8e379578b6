"""The segmenter interface: rjieba gives jieba's words, offsets slice back, user
dictionaries reach every backend."""
from __future__ import annotations

import jieba
import pytest

from pipeline import segmenter

from .conftest import real_files, sample_files

TRICKY = ("COVID-19疫情 2023-2024年度 QZ07922-0101-2025-00023 http://www.gov.cn/a_b.html 92.5分 3.5% "
          "C++ AT&T a--b ..x 50%-60% 衡 阳 市 2025年 4月 1日\r\n第一名\t祁东县\t94.26")


def texts() -> list[str]:
    return [p.read_text(encoding="utf-8-sig") for p in (sample_files() + real_files())[:20]] + [TRICKY]


@pytest.fixture()
def settings(monkeypatch):
    """Set configs/segmenter.toml values for one test, with a fresh backend."""
    current = dict(segmenter.settings())

    def use(**values):
        monkeypatch.setattr(segmenter, "settings", lambda: {**current, **values})
        segmenter.segmenter.cache_clear()
    yield use
    segmenter.segmenter.cache_clear()


def test_rjieba_gives_jiebas_words(settings):
    settings(backend="rjieba")
    jieba.setLogLevel(60)
    for text in texts():
        assert segmenter.cut(text) == jieba.lcut(text)


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_tokens_slice_back(settings, backend):
    settings(backend=backend)
    for text in texts():
        tokens = segmenter.tokenize(text)
        assert all(text[s:e] == w for w, s, e in tokens)
        assert "".join(w for w, _, _ in tokens) == text


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_user_dictionary_reaches_the_backend(settings, backend, tmp_path, monkeypatch):
    word = "创文办暗访组"
    text = f"市{word}到祁东县检查"
    (tmp_path / "units.dict").write_text(f"{word} 100000 nt\n", encoding="utf-8")
    settings(backend=backend)
    assert word not in segmenter.cut(text)
    monkeypatch.setattr(segmenter.config, "config_dir", lambda: tmp_path)
    settings(backend=backend, user_dicts=["units.dict"])
    assert word in segmenter.cut(text)


def test_a_missing_dictionary_or_backend_is_named(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(segmenter.config, "config_dir", lambda: tmp_path)
    settings(user_dicts=["nowhere.dict"])
    with pytest.raises(FileNotFoundError, match="nowhere.dict"):
        segmenter.cut("文本")
    settings(backend="thulac")
    with pytest.raises(ValueError, match="thulac"):
        segmenter.cut("文本")


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_tags_cover_the_text_with_jiebas_tag_set(settings, backend):
    settings(backend=backend)
    text = "衡阳市创建办对祁东县开展暗访，王小明同志参加。"
    tags = segmenter.tag(text)
    assert "".join(w for w, _ in tags) == text
    assert ("衡阳市", "ns") in tags
    assert all(flag.isalpha() for _, flag in tags)
