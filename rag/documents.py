"""Editors' changes to the corpus: files saved or removed under safe names, the index rebuilt, the running
retriever switched to it under a lock, one change at a time, each reported with its progress.

`rebuild_index` is the one place that turns the corpus folder into a new index (re-embedding only what changed); everything else here is about
files, jobs and swapping. Questions keep being answered from the old index until the new one is complete.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import tempfile
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import Settings
from .embed import Embedder
from .errors import Busy, RagError, UnreadableDocument
from .index import Index, update_index
from .load import SUPPORTED_SUFFIXES, corpus_files, load_document

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total), as update_index will report it
_UNSAFE_NAME_CHARS = set('<>:"|?*')
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; room is left for the temporary name written first
MAX_JOBS_KEPT = 100


def rebuild_index(settings: Settings, embedder: Embedder, on_progress: Progress | None = None) -> Index:
    """The index of the corpus folder as it is now (`update_index`: only added or edited articles are embedded),
    written aside and swapped in on disk under the build lock.

    Progress goes out as one count for the page: ("embedding", done, total) over passages and then sentences, the
    total growing when the sentences start, as the update only knows each count when it reaches it."""
    report = on_progress or (lambda stage, done, total: None)
    report("cleaning", 0, 0)
    finished: dict[str, int] = {}  # embedding stage -> its total, once it has begun

    def progress(stage: str, done: int, total: int) -> None:
        if stage.startswith("embedding"):
            finished[stage] = total
            before = sum(n for name, n in finished.items() if name != stage)
            report("embedding", before + done, before + total)

    index, update = update_index(settings, embedder, corpus_dir=settings.corpus_dir, progress=False,
                                 on_progress=progress)
    for problem in update.problems:
        log.warning("not indexed: %s: %s", problem.path, problem.reason)
    log.info("index updated for an editor's change: %s", update.summary())
    return index


def safe_file_name(name: str) -> str:
    """The name an uploaded file is saved under in the corpus folder, or UnreadableDocument when it is unusable.

    Folder parts, control characters and hidden names are refused rather than repaired: a name that tries to
    leave the folder is not an editor's slip."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise UnreadableDocument("empty file name", "ファイル名がありません。")
    if "/" in name or "\\" in name or name.startswith(".") or any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
                                                                 for c in name):
        raise UnreadableDocument(f"unsafe file name {name!r}",
                                 "ファイル名に使えない文字(フォルダの区切り「/」「\\」、先頭の「.」、制御文字など)が含まれています。"
                                 "ファイル名を変えてからアップロードしてください。")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise UnreadableDocument("file name too long", "ファイル名が長すぎます。短くしてからアップロードしてください。")
    name = "".join("_" if c in _UNSAFE_NAME_CHARS else c for c in name)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableDocument(f"unsupported file type {suffix or '(none)'}",
                                 "この形式のファイルには対応していません(対応形式: " +
                                 "、".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES) + ")。")
    if name.lower() == "readme.md" or not Path(name).stem.strip():
        raise UnreadableDocument(f"reserved file name {name!r}", "このファイル名は使えません。名前を変えてください。")
    return name


@dataclass
class FileStatus:
    """One file of a job: its stage (queued, reading, cleaning, embedding, swapping, done), progress and result
    (added, replaced, removed, skipped, failed) with a message in Japanese for the page."""

    name: str
    stage: str = "queued"
    done: int = 0
    total: int = 0
    result: str = ""
    message: str = ""
    doc_id: str = ""
    passages: int = 0


@dataclass
class Job:
    """An upload or a removal; `state` is queued, running or finished."""

    job_id: str
    kind: str
    files: list[FileStatus]
    state: str = "queued"
    created: float = field(default_factory=time.time)

    def to_dict(self) -> dict:
        return asdict(self)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """The whole file or the old one: written aside (a hidden name the loader skips), then renamed."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class DocumentLibrary:
    """Lists, adds, replaces and removes the corpus's articles for editors, and keeps the running index current.

    settings: corpus_dir, index_dir, max_upload_mb and the index's build settings are read from it.
    embedder: the one the running retriever uses (a new index must match it).
    current: returns the index questions are answered from now (for listing articles).
    swap: puts a new index into service; called with the built Index, after it is complete on disk.
    rebuild: builds the index of the corpus folder; default `rebuild_index` (tests give a failing one).
    """

    def __init__(self, settings: Settings, embedder: Embedder, current: Callable[[], Index],
                 swap: Callable[[Index], None], rebuild: Callable[..., Index] = rebuild_index):
        self.settings = settings
        self.embedder = embedder
        self.current = current
        self.swap = swap
        self.rebuild = rebuild
        self.corpus_dir = Path(settings.corpus_dir)
        self.max_bytes = settings.max_upload_mb * 1024 * 1024
        # One change at a time in this process (build_lock in rag/index.py serialises builds across processes):
        # a second editor's upload waits in the queue, shown as "queued".
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._jobs_lock = threading.Lock()
        self._ids = itertools.count(1)

    # --- reading -------------------------------------------------------------------------------------------

    def list(self, query: str = "") -> list[dict]:
        """The indexed articles (title, publisher, date, file, passages, added), newest first, filtered by title."""
        index = self.current()
        counts: dict[str, int] = {}
        for passage in index.passages:
            counts[passage.doc_id] = counts.get(passage.doc_id, 0) + 1
        files = self._files_by_id()
        needle = unicodedata.normalize("NFKC", query).casefold().strip()
        rows = []
        for doc in index.documents.values():
            if needle and needle not in unicodedata.normalize("NFKC", doc.title).casefold():
                continue
            path = files.get(doc.doc_id)
            added = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(path.stat().st_mtime)) if path else ""
            rows.append({"doc_id": doc.doc_id, "title": doc.title, "publisher": doc.publisher, "date": doc.date,
                         "file": path.name if path else doc.source_file, "source_file": doc.source_file,
                         "passages": counts.get(doc.doc_id, 0), "pages": len(doc.pages), "added": added})
        return sorted(rows, key=lambda r: (r["added"], r["doc_id"]), reverse=True)

    def get(self, doc_id: str) -> dict | None:
        """One article as the index holds it (cleaned text; for a PDF, the offsets its pages start at), or None."""
        doc = self.current().documents.get(doc_id)
        if doc is None:
            return None
        row = next((r for r in self.list() if r["doc_id"] == doc_id), {})
        return {**doc.to_dict(), "page_starts": doc.pages, **row}  # "pages": how many

    def _files_by_id(self) -> dict[str, Path]:
        """Corpus files by the document id the loader gives them: the stem, or stem_suffix for a second file with
        the same stem (rag/load.py's rule, in its sorted order)."""
        by_id: dict[str, Path] = {}
        try:
            paths = corpus_files(self.corpus_dir)
        except RagError:
            return by_id
        for path in paths:
            doc_id = path.stem if path.stem not in by_id else f"{path.stem}{path.suffix.lower().replace('.', '_')}"
            by_id.setdefault(doc_id, path)
        return by_id

    # --- jobs ----------------------------------------------------------------------------------------------

    def job(self, job_id: str) -> dict | None:
        with self._jobs_lock:
            job = self._jobs.get(job_id)
            return job.to_dict() if job else None

    def _new_job(self, kind: str, names: list[str]) -> Job:
        job = Job(f"{int(time.time())}-{next(self._ids)}", kind, [FileStatus(n) for n in names])
        with self._jobs_lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > MAX_JOBS_KEPT:
                self._jobs.popitem(last=False)
        return job

    def upload(self, files: list[tuple[str, bytes | None]]) -> tuple[Job, Future]:
        """Queue the files (name, content; None content = over the size limit) to be added or replaced."""
        job = self._new_job("upload", [name for name, _ in files])
        return job, self._worker.submit(self._run, job, self._upload, files)

    def remove(self, doc_id: str) -> tuple[Job, Future] | None:
        """Queue the removal of an article; None when no corpus file holds it."""
        path = self._files_by_id().get(doc_id)
        if path is None:
            return None
        job = self._new_job("remove", [path.name])
        job.files[0].doc_id = doc_id
        return job, self._worker.submit(self._run, job, self._remove, doc_id)

    def _run(self, job: Job, work: Callable, *args) -> Job:
        job.state = "running"
        try:
            work(job, *args)
        except Exception:  # a job must always finish with a message, whatever failed
            log.exception("document job %s failed", job.job_id)
            for status in job.files:
                if not status.result:
                    status.result, status.stage = "failed", "done"
                    status.message = "処理中に問題が発生しました。記事は変更前の状態のままです。"
        job.state = "finished"
        return job

    # --- changes -------------------------------------------------------------------------------------------

    def _check(self, status: FileStatus, data: bytes | None, existing: dict[str, Path]) -> tuple[str, bytes] | None:
        """(safe name, bytes) of an upload that can become an article, else None with the reason in `status`."""
        status.stage = "reading"
        try:
            name = safe_file_name(status.name)
            if data is None or len(data) > self.max_bytes:
                raise UnreadableDocument("file over max_upload_mb",
                                         f"ファイルが大きすぎます(上限 {self.settings.max_upload_mb} MB)。")
            status.stage = "cleaning"
            with tempfile.TemporaryDirectory(prefix="rag-upload-") as folder:
                path = Path(folder) / name
                path.write_bytes(data)
                load_document(path)
        except UnreadableDocument as exc:
            status.result, status.stage, status.message = "skipped", "done", exc.message_ja
            log.info("upload %r skipped: %s", status.name, exc)
            return None
        digest = _sha256(data)
        for other in existing.values():
            if other.name != name and other.stat().st_size == len(data) and _sha256(other.read_bytes()) == digest:
                status.result, status.stage = "skipped", "done"
                status.message = f"同じ内容のファイル「{other.name}」がすでに登録されています。"
                return None
        status.name = name
        return name, data

    def _upload(self, job: Job, files: list[tuple[str, bytes | None]]) -> None:
        existing = self._files_by_id()
        accepted: list[tuple[FileStatus, str, bytes]] = []
        for status, (_, data) in zip(job.files, files):
            checked = self._check(status, data, existing)
            if checked and any(name == checked[0] for _, name, _ in accepted):
                status.result, status.stage = "skipped", "done"
                status.message = "同じ名前のファイルが同時にアップロードされました。1つだけ登録しました。"
            elif checked:
                accepted.append((status, *checked))
        if not accepted:
            return
        backups: dict[Path, bytes | None] = {}
        try:
            for status, name, data in accepted:
                target = self.corpus_dir / name
                backups[target] = target.read_bytes() if target.is_file() else None
                _write_atomically(target, data)
            index = self._rebuild([s for s, _, _ in accepted])
        except BaseException:
            self._restore(backups)
            raise
        by_file = self._files_by_id()
        ids = {path.name: doc_id for doc_id, path in by_file.items()}
        counts = {doc_id: sum(1 for p in index.passages if p.doc_id == doc_id) for doc_id in ids.values()}
        for status, name, _ in accepted:
            status.doc_id = ids.get(name, "")
            status.passages = counts.get(status.doc_id, 0)
            status.stage = "done"
            if backups[self.corpus_dir / name] is None:
                status.result, status.message = "added", f"追加しました({status.passages}件の段落)。"
            else:
                status.result, status.message = "replaced", f"同じ名前の記事を置き換えました({status.passages}件の段落)。"

    def _remove(self, job: Job, doc_id: str) -> None:
        status = job.files[0]
        path = self._files_by_id().get(doc_id)
        if path is None:
            status.result, status.stage, status.message = "skipped", "done", "この記事はすでに削除されています。"
            return
        if len(self._files_by_id()) <= 1:
            status.result, status.stage = "skipped", "done"
            status.message = "最後の1件は削除できません(記事が1件もないと質問に答えられません)。"
            return
        backups = {path: path.read_bytes()}
        path.unlink()
        try:
            self._rebuild([status])
        except BaseException:
            self._restore(backups)
            raise
        status.result, status.stage, status.message = "removed", "done", "削除しました。"

    def _rebuild(self, statuses: list[FileStatus]) -> Index:
        def progress(stage: str, done: int, total: int) -> None:
            for status in statuses:
                status.stage, status.done, status.total = stage, done, total

        index = self.rebuild(self.settings, self.embedder, progress)
        for status in statuses:  # the embedding count stays shown
            status.stage = "swapping"
        self.swap(index)
        return index

    def _restore(self, backups: dict[Path, bytes | None]) -> None:
        """Put the corpus files back as they were; the index on disk was only replaced if the build completed."""
        for path, data in backups.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomically(path, data)
        log.warning("document change undone: %s", ", ".join(p.name for p in backups))

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)


def swap_into(answerer, line) -> Callable[[Index], None]:
    """A `swap` for DocumentLibrary: the answerer gets a retriever and verifier for the new index between two
    answers (it takes a turn in the same line as questions), so no answer sees half of each index."""
    from .answer import Answerer
    from .retrieve import Retriever

    def swap(index: Index) -> None:
        old = answerer.retriever
        fresh = Answerer(Retriever(index, old.embedder, old.dense_weight), answerer.generator, answerer.settings)
        while True:
            try:
                ticket = line.join()
                break
            except Busy:  # the line is full of questions; the new index waits for room, not the other way round
                time.sleep(0.5)
        with ticket:
            # Every attribute the Answerer derives from its index, whatever they are now (retriever, verifier...).
            vars(answerer).update(vars(fresh))
        log.info("index swapped in: %d documents, %d passages", len(index.documents), len(index.passages))

    return swap

