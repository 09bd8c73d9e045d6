"""The 「資料の管理」 page (/admin) and the /api/documents API for editors, around a DocumentLibrary.

Served only when an editor credential is configured (admin_token, or admin_header [+ admin_group]); otherwise
neither the page nor the API exists.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from typing import Annotated

# At module level: FastAPI reads the endpoints' (string) annotations from this module's names.
from fastapi import Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse

from .config import Settings
from .documents import DocumentLibrary

ADMIN_COOKIE = "rag_admin"
MAX_FILES_PER_UPLOAD = 20
NOT_EDITOR = "この操作は編集者だけが行えます。管理者から知らされた編集者用のリンク(トークン付き)で開いてください。"
NOT_EDITOR_PAGE = ("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>編集者専用です</title>"
                   f"<p>{NOT_EDITOR}</p></html>")


def admin_enabled(settings: Settings) -> bool:
    return bool(settings.admin_token or settings.admin_header)


def upload_limit_bytes(settings: Settings) -> int:
    """Largest request body of an upload: MAX_FILES_PER_UPLOAD files at the size limit, plus the form's framing."""
    return (settings.max_upload_mb * MAX_FILES_PER_UPLOAD + 1) * 1024 * 1024


def is_editor(headers, cookies, query, settings: Settings) -> tuple[bool, str]:
    """Whether a request comes from an editor, and the token to remember in a cookie when it came in the URL."""
    if settings.admin_header:
        groups = {g for g in re.split(r"[,;\s]+", headers.get(settings.admin_header, "")) if g}
        if groups and (not settings.admin_group or settings.admin_group in groups):
            return True, ""
    if settings.admin_token:
        return presents_token(settings.admin_token, ADMIN_COOKIE, headers, cookies, query)
    return False, ""


def presents_token(token: str, cookie: str, headers, cookies, query) -> tuple[bool, str]:
    """Whether a request carries `token` (as `Authorization: Bearer`, in the cookie `cookie`, or as ?token= in the
    URL), and the token to remember in that cookie when it came in the URL. Compared in constant time."""
    expected = token.encode()
    bearer = headers.get("authorization", "")
    offered = [bearer[7:] if bearer.lower().startswith("bearer ") else "", cookies.get(cookie, "")]
    if any(o and hmac.compare_digest(o.encode(), expected) for o in offered):
        return True, ""
    from_url = query.get("token", "")
    if from_url and hmac.compare_digest(from_url.encode(), expected):
        return True, from_url
    return False, ""


def add_document_routes(app, library: DocumentLibrary, settings: Settings) -> None:
    """GET /admin, and GET/POST/DELETE /api/documents, each refused (403) to anyone but an editor."""
    def editor(request: Request) -> None:
        if not is_editor(request.headers, request.cookies, request.query_params, settings)[0]:
            raise HTTPException(403, detail={"error": "editor only", "message": NOT_EDITOR})

    @app.get("/admin", include_in_schema=False)
    def admin_page(request: Request):
        allowed, token_from_url = is_editor(request.headers, request.cookies, request.query_params, settings)
        if not allowed:
            return HTMLResponse(NOT_EDITOR_PAGE, 403)
        response = HTMLResponse(ADMIN_PAGE.replace("__MAX_MB__", str(settings.max_upload_mb)))
        if token_from_url:
            secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
            # strict: the cookie never rides on a request another site makes (uploads and removals change data)
            response.set_cookie(ADMIN_COOKIE, token_from_url, httponly=True, secure=secure, samesite="strict")
        return response

    @app.get("/api/documents", dependencies=[Depends(editor)], tags=["documents"])
    def list_documents(q: str = "") -> dict:
        """The indexed articles (title, publisher, date, file, passages, pages, added), filtered by title."""
        return {"documents": library.list(q)}

    @app.get("/api/documents/jobs/{job_id}", dependencies=[Depends(editor)], tags=["documents"])
    def job_status(job_id: str) -> dict:
        """An upload or removal: per file its stage (reading, cleaning, embedding done/total, swapping, done) and
        result (added, replaced, removed, skipped, failed) with a message in Japanese."""
        job = library.job(job_id)
        if job is None:
            raise HTTPException(404, detail={"error": "no such job", "message": "その処理は見つかりません。"})
        return job

    @app.get("/api/documents/{doc_id}", dependencies=[Depends(editor)], tags=["documents"])
    def get_document(doc_id: str) -> dict:
        """One article as the index holds it: cleaned text, metadata, page starts (PDF)."""
        doc = library.get(doc_id)
        if doc is None:
            raise HTTPException(404, detail={"error": "no such document", "message": "その記事は見つかりません。"})
        return doc

    @app.post("/api/documents", dependencies=[Depends(editor)], tags=["documents"])
    async def upload_documents(files: Annotated[list[UploadFile], File()], wait: bool = False):
        """Add or replace articles (.txt .md .html .pdf .docx; a file of the same name is replaced). Answers 202
        with the job to follow at /api/documents/jobs/{job_id}, or with `wait=true` 200 once it has finished.
        Questions are answered from the old index until the new one is swapped in."""
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise HTTPException(413, detail={"error": "too many files",
                                             "message": f"一度にアップロードできるのは{MAX_FILES_PER_UPLOAD}件までです。"})
        limit = settings.max_upload_mb * 1024 * 1024
        received = []
        for upload in files:
            data = await upload.read(limit + 1)
            received.append((upload.filename or "", data if len(data) <= limit else None))
        job, future = library.upload(received)
        if wait:
            await asyncio.wrap_future(future)
        return JSONResponse(library.job(job.job_id), 200 if wait else 202)

    @app.delete("/api/documents/{doc_id}", dependencies=[Depends(editor)], tags=["documents"])
    async def remove_document(doc_id: str, wait: bool = False):
        """Remove an article; 202 with the job, or with `wait=true` 200 once the index no longer holds it."""
        queued = library.remove(doc_id)
        if queued is None:
            raise HTTPException(404, detail={"error": "no such document", "message": "その記事は見つかりません。"})
        job, future = queued
        if wait:
            await asyncio.wrap_future(future)
        return JSONResponse(library.job(job.job_id), 200 if wait else 202)


ADMIN_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>資料の管理 - 記事に聞く Q&amp;A</title>
<style>
body { font-family: "Noto Sans JP", "Hiragino Sans", "Yu Gothic UI", Meiryo, sans-serif; font-size: 15px;
  line-height: 1.6; max-width: 1000px; margin: 0 auto; padding: 12px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 24px; }
#drop { border: 2px dashed #8a8aa3; border-radius: 8px; padding: 24px; text-align: center; background: #fafaff; }
#drop.over { background: #eef0ff; border-color: #4b5bd6; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #ddd; padding: 6px; text-align: left; }
th { background: #f3f3f7; font-weight: 600; } td.num { text-align: right; }
.result-added, .result-replaced, .result-removed { color: #0a6b2b; } .result-skipped, .result-failed { color: #b00020; }
#viewer { white-space: pre-wrap; border: 1px solid #ddd; border-radius: 6px; padding: 10px; background: #fff;
  max-height: 420px; overflow: auto; }
button.remove { color: #b00020; }
</style></head>
<body>
<h1>資料の管理</h1>
<p>質問に答えるための記事を追加・置き換え・削除できます。変更は次の質問から反映されます(反映中も質問には答え続けます)。</p>
<h2>記事を追加する</h2>
<div id="drop">ここにファイルをドラッグ&ドロップするか、
<label>ファイルを選んでください: <input type="file" id="files" multiple accept=".txt,.md,.markdown,.html,.htm,.pdf,.docx"></label>
<div>対応形式: テキスト(.txt .md)、HTML、PDF(文字情報のあるもの)、Word(.docx)。1ファイル__MAX_MB__ MBまで。同じ名前のファイルは置き換えます。</div></div>
<table id="uploads"><thead><tr><th>ファイル</th><th>状態</th><th>結果</th></tr></thead><tbody></tbody></table>
<h2>登録されている記事</h2>
<label>題名で絞り込む: <input type="search" id="filter"></label>
<table id="documents"><thead><tr><th>題名</th><th>発行元</th><th>日付</th><th>ファイル名</th><th>段落数</th><th>追加日時</th><th></th></tr></thead>
<tbody></tbody></table>
<h2 id="viewer-title" hidden></h2>
<div id="viewer" hidden></div>
<script>
const STAGES = {queued: "順番待ち", reading: "読み込み中", cleaning: "整形中", embedding: "埋め込み中",
                swapping: "反映中", done: "完了"};
const RESULTS = {added: "追加", replaced: "置き換え", removed: "削除", skipped: "スキップ", failed: "失敗"};
function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td; }
async function api(path, options) {
  const response = await fetch(path, Object.assign({credentials: "same-origin"}, options || {}));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.detail && body.detail.message) || body.message || ("エラー " + response.status));
  return body;
}
async function refresh() {
  const q = document.getElementById("filter").value;
  const body = await api("api/documents?q=" + encodeURIComponent(q));
  const tbody = document.querySelector("#documents tbody");
  tbody.replaceChildren();
  for (const d of body.documents) {
    const row = tbody.insertRow();
    row.dataset.docId = d.doc_id;
    const link = document.createElement("a");
    link.href = "#"; link.textContent = d.title; link.className = "show";
    link.onclick = (e) => { e.preventDefault(); show(d.doc_id); };
    row.insertCell().appendChild(link);
    cell(row, d.publisher); cell(row, d.date); cell(row, d.file); cell(row, String(d.passages), "num");
    cell(row, (d.added || "").replace("T", " ").slice(0, 16));
    const button = document.createElement("button");
    button.textContent = "削除"; button.className = "remove";
    button.onclick = () => remove(d);
    row.insertCell().appendChild(button);
  }
}
async function show(docId) {
  const d = await api("api/documents/" + encodeURIComponent(docId));
  const title = document.getElementById("viewer-title"), viewer = document.getElementById("viewer");
  title.textContent = d.title + "(索引に入っている本文)"; title.hidden = false;
  viewer.textContent = d.text; viewer.hidden = false;
}
function describe(f) {
  let stage = STAGES[f.stage] || f.stage;
  if (f.stage === "embedding" && f.total) stage += " " + f.done + "/" + f.total;
  return stage;
}
async function follow(job, rows) {
  while (true) {
    job.files.forEach((f, i) => {
      rows[i].cells[1].textContent = describe(f);
      rows[i].cells[2].textContent = f.result ? RESULTS[f.result] + ": " + f.message : "";
      rows[i].cells[2].className = f.result ? "result-" + f.result : "";
    });
    if (job.state === "finished") break;
    await new Promise((r) => setTimeout(r, 500));
    job = await api("api/documents/jobs/" + encodeURIComponent(job.job_id));
  }
  await refresh();
}
async function upload(files) {
  if (!files.length) return;
  const form = new FormData();
  const rows = [];
  const tbody = document.querySelector("#uploads tbody");
  for (const file of files) {
    form.append("files", file, file.name);
    const row = tbody.insertRow();
    cell(row, file.name); cell(row, "送信中"); cell(row, "");
    rows.push(row);
  }
  try {
    await follow(await api("api/documents", {method: "POST", body: form}), rows);
  } catch (e) {
    rows.forEach((row) => { row.cells[1].textContent = "完了"; row.cells[2].textContent = "失敗: " + e.message;
                             row.cells[2].className = "result-failed"; });
  }
}
async function remove(d) {
  if (!confirm("「" + d.title + "」を削除しますか?この記事は質問の答えに使われなくなります。")) return;
  const row = document.querySelector("#uploads tbody").insertRow();
  cell(row, d.file); cell(row, "順番待ち"); cell(row, "");
  try {
    await follow(await api("api/documents/" + encodeURIComponent(d.doc_id), {method: "DELETE"}), [row]);
  } catch (e) {
    row.cells[2].textContent = "失敗: " + e.message; row.cells[2].className = "result-failed";
  }
}
const drop = document.getElementById("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files); });
document.getElementById("files").addEventListener("change", (e) => { upload(e.target.files); e.target.value = ""; });
document.getElementById("filter").addEventListener("input", refresh);
refresh();
</script>
</body></html>
"""
