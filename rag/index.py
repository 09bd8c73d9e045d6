"""The on-disk index: passages, vectors, lexical postings and a manifest that says how they were built.

Layout: `index_dir/manifest.json` names a generation folder `index_dir/gen-<id>/` holding every data file. A build
writes a new generation beside the old one, then replaces the manifest in one rename: a build killed at any moment
leaves the old index or the new one, never a mix. Updates are incremental: documents whose content hash is unchanged
keep their passages, sentences and vectors (copied from the old generation's stores, not embedded again).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
from .store import VectorStore, new_store, open_store

log = logging.getLogger(__name__)

FORMAT_VERSION = 7  # bump when cleaning, chunking, tokenizing or the layout changes what an index holds
MANIFEST = "manifest.json"
GENERATION_PREFIX = "gen-"
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.jsonl"
SENTENCES = "sentences.npz"
PASSAGE_VECTORS = "passages.vectors"  # folders written by the vector store
SENTENCE_VECTORS = "sentences.vectors"
PASSAGE_LEXICAL = "passages.bm25"  # folders written by bm25s, plus our stats.json
SENTENCE_LEXICAL = "sentences.bm25"
DATA_FILES = (PASSAGES, DOCUMENTS, SENTENCES, PASSAGE_VECTORS, SENTENCE_VECTORS, PASSAGE_LEXICAL, SENTENCE_LEXICAL)

# on_progress(stage, done, total): e.g. ("embedding passages", 32, 120), so a page can show "embedding 32/120".
Progress = Callable[[str, int, int], None]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file under the data entries of a generation folder, by relative path."""
    out = {}
    for name in DATA_FILES:
        path = folder / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                out[str(file.relative_to(folder))] = _sha256(file)
    return out


def document_hash(doc: Document) -> str:
    """Content hash of a document as indexed (text and metadata): equal hashes mean its passages can be reused."""
    return hashlib.sha256(json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


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
        "store": settings.store,
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

    Rows are grouped by passage in passage order, so passage p's sentences are rows offsets[p]:offsets[p + 1]
    (CSR offsets, found without scanning). A sentence inside two overlapping passages appears once per passage.
    """

    passage_of: np.ndarray
    start: np.ndarray
    end: np.ndarray
    offsets: np.ndarray = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.offsets is None:
            n_passages = int(self.passage_of[-1]) + 1 if len(self.passage_of) else 0
            self.offsets = np.searchsorted(self.passage_of, np.arange(n_passages + 1)).astype(np.int64)

    def with_passages(self, n_passages: int) -> Sentences:
        """The same rows with offsets for `n_passages` passages (trailing passages may have no sentence)."""
        offsets = np.searchsorted(self.passage_of, np.arange(n_passages + 1)).astype(np.int64)
        return Sentences(self.passage_of, self.start, self.end, offsets)

    def rows_of(self, passages: np.ndarray) -> np.ndarray:
        """Sentence rows of these passages, passage by passage in the order given."""
        lo, hi = self.offsets[passages], self.offsets[np.asarray(passages) + 1]
        counts = hi - lo
        if not counts.sum():
            return np.zeros(0, dtype=np.int64)
        firsts = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return firsts + np.arange(int(counts.sum()))

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
    return Sentences(arr[:, 0].astype(np.int32), arr[:, 1], arr[:, 2]).with_passages(len(passages))


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
    passage_vectors: VectorStore
    sentence_vectors: VectorStore
    passage_lexical: BM25
    sentence_lexical: BM25

    def sentence_text(self, j: int) -> str:
        passage = self.passages[int(self.sentences.passage_of[j])]
        return self.documents[passage.doc_id].text[int(self.sentences.start[j]):int(self.sentences.end[j])]

    @property
    def data_dir(self) -> Path:
        return self.path / self.manifest.get("data_dir", ".")

    @property
    def corpus_dir(self) -> str | None:
        return self.manifest.get("corpus_dir")

    @classmethod
    def load(cls, index_dir: str | Path, settings: Settings | None = None) -> Index:
        """The index the manifest names; `settings` opens its vector store (a Qdrant connection, FAISS tuning)."""
        settings = settings or Settings()
        path = Path(index_dir)
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise IndexUnavailable(f"no index in {path}: run `python -m rag index` to build it")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("settings", {}).get("format") != FORMAT_VERSION:
                raise IndexUnavailable(f"it has format {manifest.get('settings', {}).get('format')!r}, "
                                       f"this version reads {FORMAT_VERSION}")
            data = path / manifest["data_dir"]
            for name, digest in manifest["files"].items():
                if not (data / name).is_file():
                    raise IndexUnavailable(f"index file {name} is missing")
                if _sha256(data / name) != digest:
                    raise IndexUnavailable(f"index file {name} is damaged (checksum mismatch)")
            passages = [Passage(**json.loads(line)) for line in (data / PASSAGES).read_text("utf-8").splitlines()]
            documents = {}
            for line in (data / DOCUMENTS).read_text("utf-8").splitlines():
                doc = Document(**json.loads(line))
                documents[doc.doc_id] = doc
            sentences = Sentences.load(data / SENTENCES).with_passages(len(passages))
            stores = open_store(data / PASSAGE_VECTORS, settings), open_store(data / SENTENCE_VECTORS, settings)
            # Postings are mapped, not read: a query pages in those of its own words only, and sentence postings
            # are read only on the exact path (small collections); on a large one sentences are scored from
            # their own words inside the candidate passages.
            lexicals = BM25.load(data / PASSAGE_LEXICAL, mmap=True), BM25.load(data / SENTENCE_LEXICAL, mmap=True)
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


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def embed_in_batches(embedder: Embedder, texts: list[str], batch_size: int = 16, progress: bool = True,
                     desc: str = "embedding passages", on_progress: Progress | None = None) -> np.ndarray:
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)  # filled in place: no second copy of them all
    for i in tqdm(range(0, len(texts), batch_size), desc=desc, unit="batch", disable=not progress):
        out[i:i + batch_size] = embedder.embed_passages(texts[i:i + batch_size])
        if on_progress:
            on_progress(desc, min(i + batch_size, len(texts)), len(texts))
    return out


@dataclass
class UpdateReport:
    """What an update did: doc_ids by outcome, passages and sentences embedded, files skipped."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded_passages: int = 0
    embedded_sentences: int = 0
    problems: list[LoadProblem] = field(default_factory=list)
    seconds: float = 0.0
    written: bool = True  # False when nothing changed and the index on disk was kept as it was

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged; {self.embedded_passages} passages and "
                f"{self.embedded_sentences} sentences embedded")


def _reusable(old: Index | None, settings: Settings, embedder: Embedder) -> Index | None:
    """The old index when its rows can be carried over: same embedder, chunking and tokenizer."""
    if old is None:
        return None
    built = old.manifest.get("settings", {})
    wanted = build_settings(settings, embedder)
    keys = ("format", "embedder", "dim", "chunk_tokens", "chunk_overlap_tokens")
    return old if all(built.get(k) == wanted[k] for k in keys) else None


def write_index(documents: list[Document], settings: Settings, embedder: Embedder, index_dir: Path,
                progress: bool = True, extra_manifest: dict | None = None, reuse: Index | None = None,
                on_progress: Progress | None = None, report: UpdateReport | None = None) -> Index:
    """Chunk, embed and write `documents` as the index in `index_dir` (caller holds the build lock).

    Documents whose content hash matches one in `reuse` (the index being replaced) keep its passages, sentences
    and vectors; only the others are chunked and embedded. `report` receives the counts.
    """
    started = time.time()
    report = report if report is not None else UpdateReport()
    reuse = _reusable(reuse, settings, embedder)
    old_hashes = reuse.manifest.get("document_hashes", {}) if reuse else {}
    old_rows: dict[str, list[int]] = {}
    if reuse:
        for row, p in enumerate(reuse.passages):
            old_rows.setdefault(p.doc_id, []).append(row)
    chunker = Chunker(embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap_tokens)
    hashes = {d.doc_id: document_hash(d) for d in documents}
    passages: list[Passage] = []
    reused_from: list[int] = []  # per new passage: its row in `reuse`, or -1 when it is new
    for doc in documents:
        if old_hashes.get(doc.doc_id) == hashes[doc.doc_id] and doc.doc_id in old_rows:
            report.unchanged.append(doc.doc_id)
            rows = old_rows[doc.doc_id]
            passages.extend(reuse.passages[r] for r in rows)
            reused_from.extend(rows)
        else:
            (report.replaced if doc.doc_id in old_hashes else report.added).append(doc.doc_id)
            new = chunker.chunk(doc)
            passages.extend(new)
            reused_from.extend([-1] * len(new))
    report.removed = sorted(set(old_hashes) - set(hashes))
    log.info("%d documents, %d passages (%s)", len(documents), len(passages), report.summary().split(";")[0])
    sentences = passage_sentences(passages)
    docs_by_id = {d.doc_id: d for d in documents}
    # The article title goes in front of every text: a sentence like 「同氏は…」 is only findable in context.
    titled_passages = [f"{p.title}\n{p.text}" for p in passages]
    titled_sentences = [f"{passages[p].title}\n{docs_by_id[passages[p].doc_id].text[s:e]}"
                        for p, s, e in zip(sentences.passage_of.tolist(), sentences.start.tolist(),
                                           sentences.end.tolist())]

    reused_from = np.array(reused_from, dtype=np.int64)
    sentence_source = np.full(len(sentences), -1, dtype=np.int64)  # per new sentence: its row in `reuse`
    if reuse is not None and (reused_from >= 0).any():
        kept = np.nonzero(reused_from >= 0)[0]
        # A reused passage's sentences are the old passage's sentences, in the same order.
        new_rows, old_rows_s = sentences.rows_of(kept), reuse.sentences.rows_of(reused_from[kept])
        if len(new_rows) == len(old_rows_s):
            sentence_source[new_rows] = old_rows_s
        else:
            log.warning("sentences of unchanged documents split differently than before; embedding them again")
    report.embedded_passages = int((reused_from < 0).sum())
    report.embedded_sentences = int((sentence_source < 0).sum())

    remove_leftovers(index_dir, ".building-")
    staging = index_dir / f".building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    generation = f"{GENERATION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    stores: list[VectorStore] = []
    try:
        # Each part is written as soon as it is made and then dropped, so that a large collection holds one
        # part's vectors or postings in memory at a time, never all of them.
        _write_jsonl(staging / PASSAGES, (p.to_dict() for p in passages))
        _write_jsonl(staging / DOCUMENTS, (d.to_dict() for d in documents))
        sentences.save(staging / SENTENCES)
        parts = ((PASSAGE_VECTORS, "passages", titled_passages, reused_from, reuse and reuse.passage_vectors, True),
                 (SENTENCE_VECTORS, "sentences", titled_sentences, sentence_source, reuse and reuse.sentence_vectors,
                  False))
        for folder, kind, texts, source, old, searchable in parts:
            vectors = _assemble(embedder, texts, source, old, progress, f"embedding {kind}", on_progress)
            store = new_store(settings, embedder.dim, f"{generation}-{kind}", searchable=searchable,
                              embedder=embedder.name)
            store.add(vectors)
            del vectors
            store.save(staging / folder)
            store.close()
            stores.append(store)
        if on_progress:
            on_progress("indexing words", 0, 2)
        bm25 = (settings.lexical_tokenizer, settings.bm25_k1, settings.bm25_b)
        for folder, texts in ((PASSAGE_LEXICAL, titled_passages), (SENTENCE_LEXICAL, titled_sentences)):
            BM25(*bm25).index(texts, progress=progress, workers=settings.index_workers).save(staging / folder)
        del titled_passages, titled_sentences, texts, parts
        if on_progress:
            on_progress("writing", 0, 1)
        manifest = {
            "settings": build_settings(settings, embedder),
            **(extra_manifest or {}),
            "data_dir": generation,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.time() - started, 2),
            "n_documents": len(documents),
            "n_passages": len(passages),
            "n_sentences": len(sentences),
            "document_hashes": hashes,
            "files": _checksums(staging),
        }
        # Swap in: the finished folder takes its final name, then one rename of the manifest switches readers
        # from the old generation to the new one. Killed before that rename, the old index stays in use.
        os.replace(staging, index_dir / generation)
        tmp = index_dir / f".manifest-{os.getpid()}.json"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, index_dir / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    del passages, docs_by_id  # the loaded index below holds its own copies
    _remove_old_generations(index_dir, keep=generation)
    for store in stores:
        store.release_others(keep=generation, previous=reuse and reuse.manifest.get("data_dir"))
    log.info("index written in %.1f s (%s)", time.time() - started, report.summary())
    return Index.load(index_dir, settings)


def _assemble(embedder: Embedder, texts: list[str], source: np.ndarray, old: VectorStore | None, progress: bool,
              desc: str, on_progress: Progress | None) -> np.ndarray:
    """Vectors for `texts`: row source[i] of `old` where it is >= 0, else embedded now."""
    if len(texts) and (source < 0).all():
        return embed_in_batches(embedder, texts, progress=progress, desc=desc, on_progress=on_progress)
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    fresh = np.nonzero(source < 0)[0]
    kept = np.nonzero(source >= 0)[0]
    if len(kept):
        out[kept] = old.vectors(source[kept])
    if len(fresh):
        out[fresh] = embed_in_batches(embedder, [texts[i] for i in fresh], progress=progress, desc=desc,
                                      on_progress=on_progress)
    elif on_progress:
        on_progress(desc, 0, 0)
    return out


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    """Delete generation folders other than the new one (a reader holding the old one keeps its open files)."""
    for folder in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if folder.name != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _recorded_corpus(index_dir: Path) -> str | None:
    try:
        return json.loads((index_dir / MANIFEST).read_text(encoding="utf-8")).get("corpus_dir")
    except (OSError, ValueError):
        return None


def corpus_for(index_dir: Path, requested: str | Path | None, default: str | Path) -> Path:
    """The corpus to (re)build `index_dir` from: the one it was built from unless another is asked for.

    Asking for another corpus than the index holds is refused: rebuilding would destroy the other corpus's index.
    """
    recorded = _recorded_corpus(index_dir)
    if requested is not None:
        if recorded and Path(recorded).resolve() != Path(requested).resolve():
            raise IndexUnavailable(
                f"the index in {index_dir} was built from {recorded}, not {requested}; index {requested} into "
                f"another folder (--index), or delete {index_dir} first to replace it")
        return Path(requested)
    if recorded and not Path(recorded).is_dir():
        raise IndexUnavailable(f"the index in {index_dir} was built from {recorded}, which is not there any more; "
                               f"pass --corpus {recorded} once it is back, or delete {index_dir} to index {default}")
    return Path(recorded or default)


def update_index(settings: Settings, embedder: Embedder, documents: list[Document] | None = None,
                 corpus_dir: str | Path | None = None, index_dir: str | Path | None = None, progress: bool = True,
                 on_progress: Progress | None = None) -> tuple[Index, UpdateReport]:
    """Bring the index in `index_dir` up to date with `documents` (or the articles of `corpus_dir`).

    Only documents whose content changed are chunked and embedded; the others keep their rows. `documents` given:
    they are the whole collection (absent doc_ids are removed). Neither given: the corpus the index was built from,
    else settings.corpus_dir. Returns the loaded index and a report of what changed.
    """
    started = time.time()
    index_dir = Path(index_dir or settings.index_dir)
    with build_lock(index_dir):
        try:
            old = Index.load(index_dir, settings)
        except IndexUnavailable as exc:
            log.info("no usable index to update (%s); building it whole", exc)
            old = None
        problems: list[LoadProblem] = []
        if documents is None and corpus_dir is None and old is not None and old.manifest.get("corpus_dir") is None:
            documents = list(old.documents.values())  # built from handed-over documents: they are its source
        if documents is None:
            corpus = corpus_for(index_dir, corpus_dir, settings.corpus_dir)
            corpus_print = fingerprint(corpus)
            documents, problems = load_corpus(corpus)
            extra = {"corpus_dir": str(corpus), "corpus_fingerprint": corpus_print,
                     "skipped_files": [p.__dict__ for p in problems]}
        else:
            extra = {"corpus_dir": None, "corpus_fingerprint": ""}
        report = UpdateReport(problems=problems)
        if old is not None and not old.stale_reasons(settings, embedder) \
                and old.manifest.get("document_hashes") == {d.doc_id: document_hash(d) for d in documents} \
                and old.manifest.get("corpus_fingerprint") == extra.get("corpus_fingerprint"):
            report.unchanged = [d.doc_id for d in documents]
            report.written = False
            index = old
        else:
            index = write_index(documents, settings, embedder, index_dir, progress, extra, reuse=old,
                                on_progress=on_progress, report=report)
    report.seconds = round(time.time() - started, 3)
    log.info("index update: %s in %.1f s", report.summary(), report.seconds)
    return index, report


def build_index(settings: Settings, embedder: Embedder, corpus_dir: str | Path | None = None,
                index_dir: str | Path | None = None, progress: bool = True) -> tuple[Index, list[LoadProblem]]:
    """Index the corpus (incrementally, as update_index); returns the index and the files that were skipped."""
    index, report = update_index(settings, embedder, corpus_dir=corpus_dir, index_dir=index_dir, progress=progress)
    return index, report.problems
