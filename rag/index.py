"""The on-disk index: passages, vectors, lexical postings and a manifest that says how they were built."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .chunk import Chunker, Passage, split_sentences
from .config import Settings
from .embed import Embedder
from .errors import IndexUnavailable
from .leftovers import remove_leftovers
from .lexical import BM25
from .load import Document, LoadProblem, fingerprint, load_corpus
from .store import FaissStore

log = logging.getLogger(__name__)

FORMAT_VERSION = 5  # bump when cleaning, chunking or tokenizing changes what an index holds
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.jsonl"
SENTENCES = "sentences.npz"
PASSAGE_VECTORS = "passages.faiss"
SENTENCE_VECTORS = "sentences.faiss"
PASSAGE_LEXICAL = "passages.bm25.npz"
SENTENCE_LEXICAL = "sentences.bm25.npz"
DATA_FILES = (PASSAGES, DOCUMENTS, SENTENCES, PASSAGE_VECTORS, SENTENCE_VECTORS, PASSAGE_LEXICAL, SENTENCE_LEXICAL)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_settings(settings: Settings, embedder: Embedder) -> dict:
    """The settings an index depends on; any difference from the manifest makes the index stale."""
    return {
        "format": FORMAT_VERSION,
        "embedder": embedder.name,
        "dim": embedder.dim,
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap_tokens": settings.chunk_overlap_tokens,
        "lexical_tokenizer": settings.lexical_tokenizer,
        "bm25": [settings.bm25_k1, settings.bm25_b],
    }


@contextlib.contextmanager
def build_lock(index_dir: Path):
    """One index build per folder at a time, across processes."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another process is building the index in %s; waiting for it", index_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@dataclass
class Sentences:
    """Sentence units: row i spans doc text [start, end) of passage_of[i]'s document.

    A sentence inside two overlapping passages appears once per passage, so scores map back by passage_of.
    """

    passage_of: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def save(self, file: Path) -> None:
        np.savez(file, passage_of=self.passage_of, start=self.start, end=self.end)

    @classmethod
    def load(cls, file: Path) -> Sentences:
        with np.load(file, allow_pickle=False) as data:
            return cls(data["passage_of"], data["start"], data["end"])

    def __len__(self) -> int:
        return len(self.passage_of)


def passage_sentences(passages: list[Passage]) -> Sentences:
    """The sentences of every passage, as offsets into its document."""
    rows = [(i, p.start + s, p.start + e) for i, p in enumerate(passages) for s, e in split_sentences(p.text)]
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return Sentences(arr[:, 0].astype(np.int32), arr[:, 1], arr[:, 2])


@dataclass
class Index:
    """A loaded index: passages with their vectors and postings, and the same for their sentences.

    `passages[i]` is row i of `passage_vectors` and document i of `passage_lexical`; sentence j is row j of
    `sentence_vectors` and `sentence_lexical`, and belongs to passage `sentences.passage_of[j]`.
    """

    path: Path
    manifest: dict
    passages: list[Passage]
    documents: dict[str, Document]
    sentences: Sentences
    passage_vectors: FaissStore
    sentence_vectors: FaissStore
    passage_lexical: BM25
    sentence_lexical: BM25

    def sentence_text(self, j: int) -> str:
        passage = self.passages[int(self.sentences.passage_of[j])]
        return self.documents[passage.doc_id].text[int(self.sentences.start[j]):int(self.sentences.end[j])]

    @classmethod
    def load(cls, index_dir: str | Path) -> Index:
        path = Path(index_dir)
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise IndexUnavailable(f"no index in {path}: run `python -m rag index` to build it")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            for name, digest in manifest["files"].items():
                if not (path / name).is_file():
                    raise IndexUnavailable(f"index file {name} is missing")
                if _sha256(path / name) != digest:
                    raise IndexUnavailable(f"index file {name} is damaged (checksum mismatch)")
            passages = [Passage(**json.loads(line)) for line in (path / PASSAGES).read_text("utf-8").splitlines()]
            documents = {}
            for line in (path / DOCUMENTS).read_text("utf-8").splitlines():
                doc = Document(**json.loads(line))
                documents[doc.doc_id] = doc
            sentences = Sentences.load(path / SENTENCES)
            stores = FaissStore.load(path / PASSAGE_VECTORS), FaissStore.load(path / SENTENCE_VECTORS)
            lexicals = BM25.load(path / PASSAGE_LEXICAL), BM25.load(path / SENTENCE_LEXICAL)
        except IndexUnavailable as exc:
            raise IndexUnavailable(f"the index in {path} is unusable: {exc}; rebuild it with `python -m rag index`") from exc
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexUnavailable(f"the index in {path} is unreadable ({exc}); rebuild it with `python -m rag index`") \
                from exc
        if not (len(passages) == stores[0].size == lexicals[0].n_docs
                and len(sentences) == stores[1].size == lexicals[1].n_docs):
            raise IndexUnavailable(f"the index in {path} is inconsistent; rebuild it with `python -m rag index`")
        return cls(path, manifest, passages, documents, sentences, stores[0], stores[1], lexicals[0], lexicals[1])

    def stale_reasons(self, settings: Settings, embedder: Embedder, corpus_dir: Path | None = None) -> list[str]:
        """Why this index no longer matches the settings or the corpus (empty when it is fresh)."""
        reasons = []
        built = self.manifest.get("settings", {})
        for key, value in build_settings(settings, embedder).items():
            if built.get(key) != value:
                reasons.append(f"{key} was {built.get(key)!r}, now {value!r}")
        if corpus_dir is not None:
            if fingerprint(corpus_dir) != self.manifest.get("corpus_fingerprint"):
                reasons.append(f"the articles in {corpus_dir} changed since the index was built")
        return reasons


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def embed_in_batches(embedder: Embedder, texts: list[str], batch_size: int = 16, progress: bool = True,
                     desc: str = "embedding passages") -> np.ndarray:
    batches = range(0, len(texts), batch_size)
    parts = [embedder.embed_passages(texts[i:i + batch_size])
             for i in tqdm(batches, desc=desc, unit="batch", disable=not progress)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def build_index(settings: Settings, embedder: Embedder, corpus_dir: str | Path | None = None,
                index_dir: str | Path | None = None, progress: bool = True) -> tuple[Index, list[LoadProblem]]:
    """Load, clean, chunk, embed and write the index. The old index stays usable until the new one is complete."""
    corpus_dir = Path(corpus_dir or settings.corpus_dir)
    index_dir = Path(index_dir or settings.index_dir)
    with build_lock(index_dir):
        corpus_print = fingerprint(corpus_dir)
        documents, problems = load_corpus(corpus_dir)
        index = write_index(documents, settings, embedder, index_dir, progress,
                            {"corpus_dir": str(corpus_dir), "corpus_fingerprint": corpus_print,
                             "skipped_files": [p.__dict__ for p in problems]})
    return index, problems


def write_index(documents: list[Document], settings: Settings, embedder: Embedder, index_dir: Path,
                progress: bool = True, extra_manifest: dict | None = None) -> Index:
    """Chunk, embed and write `documents` as the index in `index_dir` (caller holds the build lock)."""
    started = time.time()
    chunker = Chunker(embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap_tokens)
    passages = [p for doc in documents for p in chunker.chunk(doc)]
    log.info("%d documents, %d passages", len(documents), len(passages))
    sentences = passage_sentences(passages)
    docs_by_id = {d.doc_id: d for d in documents}
    sentence_texts = [docs_by_id[passages[p].doc_id].text[s:e]
                      for p, s, e in zip(sentences.passage_of, sentences.start, sentences.end)]
    passage_store, sentence_store = FaissStore(embedder.dim), FaissStore(embedder.dim)
    # The article title goes in front of every text: a sentence like 「同氏は…」 is only findable in context.
    titles = [passages[p].title for p in sentences.passage_of]
    passage_store.add(embed_in_batches(embedder, [f"{p.title}\n{p.text}" for p in passages], progress=progress))
    sentence_store.add(embed_in_batches(embedder, [f"{t}\n{s}" for t, s in zip(titles, sentence_texts)],
                                        progress=progress, desc="embedding sentences"))
    bm25 = (settings.lexical_tokenizer, settings.bm25_k1, settings.bm25_b)
    passage_lexical = BM25(*bm25).index([f"{p.title}\n{p.text}" for p in passages])
    sentence_lexical = BM25(*bm25).index(
        [f"{t}\n{s}" for t, s in zip(titles, sentence_texts)])

    remove_leftovers(index_dir, ".building-")
    staging = index_dir / f".building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _write_jsonl(staging / PASSAGES, [p.to_dict() for p in passages])
        _write_jsonl(staging / DOCUMENTS, [d.to_dict() for d in documents])
        sentences.save(staging / SENTENCES)
        passage_store.save(staging / PASSAGE_VECTORS)
        sentence_store.save(staging / SENTENCE_VECTORS)
        passage_lexical.save(staging / PASSAGE_LEXICAL)
        sentence_lexical.save(staging / SENTENCE_LEXICAL)
        manifest = {
            "settings": build_settings(settings, embedder),
            **(extra_manifest or {}),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.time() - started, 2),
            "n_documents": len(documents),
            "n_passages": len(passages),
            "n_sentences": len(sentences),
            "files": {name: _sha256(staging / name) for name in DATA_FILES},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        # Swap in: the manifest goes first and comes back last, so a crash midway leaves "no index"
        # (rebuilt on next start) rather than a mix of old and new files.
        (index_dir / MANIFEST).unlink(missing_ok=True)
        for name in (*DATA_FILES, MANIFEST):
            os.replace(staging / name, index_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("index built in %.1f s", time.time() - started)
    return Index.load(index_dir)
