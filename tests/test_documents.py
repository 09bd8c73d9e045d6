"""Editors' document management: the /api/documents API, the library behind it, and what bad input gets."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag.answer import Answerer
from rag.documents import DocumentLibrary, rebuild_index, safe_file_name
from rag.errors import UnreadableDocument
from rag.generate.extractive import ExtractiveGenerator
from rag.retrieve import Retriever
from rag.web import build_app

from .samples import make_docx, make_pdf

TOKEN = "editor-secret"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}
CANTEEN = "社員食堂のカレーは一皿450円である。毎週金曜日に提供される。"
CANTEEN_Q = "社員食堂のカレーは一皿いくら？"
PDF_PAGES = [["社内報 第12号", "桜まつりは毎年四月の第一土曜日に本社の中庭で", "開かれる。"],
             ["保養所は長野県の蓼科にあり、一泊二千円で利用できる。"]]


@pytest.fixture
def app_settings(settings):
    return settings.replace(admin_token=TOKEN, max_upload_mb=1)


@pytest.fixture
def client(index, embedder, app_settings):
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), app_settings)
    with TestClient(build_app(answerer, app_settings)) as c:
        yield c


def upload(client, *files: tuple[str, bytes]) -> list[dict]:
    response = client.post("/api/documents?wait=true", headers=EDITOR,
                           files=[("files", (name, data)) for name, data in files])
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "finished"
    return response.json()["files"]


def titles(client) -> list[str]:
    return sorted(d["title"] for d in client.get("/api/documents", headers=EDITOR).json()["documents"])


def test_no_editor_credential_configured_means_no_page_and_no_api(index, embedder, settings):
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
    with TestClient(build_app(answerer, settings)) as c:
        assert c.get("/admin").status_code == 404
        assert c.get("/api/documents").status_code == 404
        assert c.post("/api/documents", files=[("files", ("a.txt", b"x"))]).status_code in (404, 405)
        assert "/api/documents" not in c.get("/api/openapi.json").json()["paths"]


def test_only_editors_pass(client):
    assert client.get("/api/documents").status_code == 403
    assert client.get("/api/documents", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.delete("/api/documents/tokyo").status_code == 403
    page = client.get("/admin", headers={"accept": "text/html"})
    assert page.status_code == 403 and "編集者だけ" in page.text
    assert client.get("/api/documents", headers=EDITOR).status_code == 200
    opened = client.get(f"/admin?token={TOKEN}")  # the editor's link; a cookie keeps them in
    assert opened.status_code == 200 and "資料の管理" in opened.text and "samesite=strict" in \
        opened.headers["set-cookie"].lower()
    assert client.get("/api/documents").status_code == 200
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/documents"]) and "delete" in paths["/api/documents/{doc_id}"]


def test_sso_group_header_makes_an_editor(index, embedder, settings):
    settings = settings.replace(admin_header="X-Forwarded-Groups", admin_group="wiki-editors")
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
    with TestClient(build_app(answerer, settings)) as c:
        assert c.get("/api/documents", headers={"X-Forwarded-Groups": "staff, wiki-editors"}).status_code == 200
        assert c.get("/api/documents", headers={"X-Forwarded-Groups": "staff"}).status_code == 403


def test_list_shows_articles_with_passages_and_text(client):
    documents = client.get("/api/documents", headers=EDITOR).json()["documents"]
    tokyo = next(d for d in documents if d["doc_id"] == "tokyo")
    assert (tokyo["title"], tokyo["publisher"], tokyo["date"], tokyo["file"]) == \
        ("東京タワーの歴史", "テスト新聞", "2024-01-02", "tokyo.md")
    assert tokyo["passages"] >= 1 and tokyo["added"]
    assert [d["doc_id"] for d in client.get("/api/documents?q=東京", headers=EDITOR).json()["documents"]] == ["tokyo"]
    text = client.get("/api/documents/tokyo", headers=EDITOR).json()["text"]
    assert text.startswith("東京タワーは1958年に完成した。")
    assert client.get("/api/documents/nope", headers=EDITOR).status_code == 404


def test_upload_answers_replace_and_remove(client, app_settings):
    assert client.post("/api/ask", json={"question": CANTEEN_Q}).json()["refused"]
    [added] = upload(client, ("社員食堂.txt", f"社員食堂の案内\n\n{CANTEEN}\n".encode()))
    assert (added["result"], added["doc_id"], added["stage"]) == ("added", "社員食堂", "done")
    assert added["passages"] >= 1 and "追加しました" in added["message"]
    body = client.post("/api/ask", json={"question": CANTEEN_Q}).json()
    assert not body["refused"] and "450円" in body["answer"] and body["citations"][0]["doc_id"] == "社員食堂"
    assert body["citations"][0]["page"] is None  # a text file has no pages

    [again] = upload(client, ("社員食堂.txt", f"社員食堂の案内\n\n{CANTEEN.replace('450', '500')}\n".encode()))
    assert again["result"] == "replaced"
    assert titles(client).count("社員食堂の案内") == 1
    assert "500円" in client.post("/api/ask", json={"question": CANTEEN_Q}).json()["answer"]

    removed = client.delete("/api/documents/社員食堂?wait=true", headers=EDITOR).json()["files"][0]
    assert (removed["result"], removed["message"]) == ("removed", "削除しました。")
    assert not (Path(app_settings.corpus_dir) / "社員食堂.txt").exists()
    assert client.post("/api/ask", json={"question": CANTEEN_Q}).json()["refused"]
    assert client.delete("/api/documents/社員食堂", headers=EDITOR).status_code == 404


def test_pdf_citation_names_its_page_and_docx_is_added(client):
    results = upload(client, ("shanaiho.pdf", make_pdf(PDF_PAGES, title="社内報 第12号")),
                     ("fukuri.docx", make_docx([CANTEEN], title="福利厚生のお知らせ")))
    assert [r["result"] for r in results] == ["added", "added"]
    body = client.post("/api/ask", json={"question": "保養所は一泊いくらで利用できる？"}).json()
    assert not body["refused"] and body["citations"][0]["doc_id"] == "shanaiho"
    assert body["citations"][0]["page"] == 2
    assert client.get("/api/documents/shanaiho", headers=EDITOR).json()["pages"] == 2
    body = client.post("/api/ask", json={"question": CANTEEN_Q}).json()
    assert not body["refused"] and body["citations"][0]["doc_id"] == "fukuri"


def test_bad_files_are_skipped_with_japanese_reasons_and_nothing_is_lost(client, app_settings):
    before = sorted(p.name for p in Path(app_settings.corpus_dir).iterdir())
    articles = titles(client)
    results = upload(client,
                     ("../../etc/evil.txt", CANTEEN.encode()),
                     ("..\\..\\evil.txt", CANTEEN.encode()),  # httpx and browsers escape control characters
                     ("tool.exe", b"MZ\x90\x00"),
                     ("scan.pdf", make_pdf([[]])),
                     ("big.txt", ("あ" * 400_000).encode()),  # 1.2 MB over max_upload_mb = 1
                     ("copy.md", (Path(app_settings.corpus_dir) / "tokyo.md").read_bytes()),
                     ("cut.docx", make_docx([CANTEEN])[:500]))
    assert [r["result"] for r in results] == ["skipped"] * 7, results
    messages = [r["message"] for r in results]
    assert "ファイル名に使えない文字" in messages[0] and "ファイル名に使えない文字" in messages[1]
    assert "対応していません" in messages[2] and "OCR" in messages[3] and "上限 1 MB" in messages[4]
    assert "「tokyo.md」" in messages[5] and "Word" in messages[6]
    assert sorted(p.name for p in Path(app_settings.corpus_dir).iterdir()) == before
    assert titles(client) == articles


def test_safe_file_names():
    assert safe_file_name(" 社内報 2024年4月号.PDF ") == "社内報 2024年4月号.PDF"
    assert safe_file_name('a:b?.txt') == "a_b_.txt"
    for bad in ("../a.txt", "a/b.txt", "a\\b.txt", ".hidden.txt", "a\nb.txt", "x.exe", "README.md", ".txt", ""):
        with pytest.raises(UnreadableDocument):
            safe_file_name(bad)


def library_for(settings, embedder, index, rebuild=rebuild_index):
    current = {"index": index}
    return DocumentLibrary(settings, embedder, lambda: current["index"], lambda new: current.update(index=new),
                           rebuild), current


def test_a_failed_rebuild_leaves_the_corpus_and_index_as_they_were(settings, embedder, index):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    library, current = library_for(settings, embedder, index, broken)
    (Path(settings.corpus_dir) / "kyoto.txt").write_text("京都の寺院\n\n古い本文。\n", encoding="utf-8")
    job, future = library.upload([("kyoto.txt", f"京都\n\n{CANTEEN}\n".encode()), ("new.txt", CANTEEN.encode())])
    future.result()
    assert [f.result for f in job.files] == ["failed", "failed"] and "変更前の状態" in job.files[0].message
    assert (Path(settings.corpus_dir) / "kyoto.txt").read_text(encoding="utf-8") == "京都の寺院\n\n古い本文。\n"
    assert not (Path(settings.corpus_dir) / "new.txt").exists() and current["index"] is index
    assert library.remove("tokyo")[1].result().files[0].result == "failed"
    assert (Path(settings.corpus_dir) / "tokyo.md").exists()


def test_two_editors_uploading_at_once_are_served_one_after_the_other(settings, embedder, index):
    running, most = [0], [0]
    guard = threading.Lock()

    def counting(*args, **kwargs):
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return rebuild_index(*args, **kwargs)
        finally:
            with guard:
                running[0] -= 1

    library, current = library_for(settings, embedder, index, counting)
    seen: list[tuple] = []
    first = library.upload([("a.txt", f"食堂\n\n{CANTEEN}\n".encode())])
    second = library.upload([("b.txt", "保養所の案内\n\n保養所は長野県の蓼科にある。\n".encode())])
    for job, future in (first, second):
        future.result()
        seen.append((job.files[0].result, job.files[0].stage))
    assert seen == [("added", "done"), ("added", "done")] and most[0] == 1
    assert {"a", "b", "tokyo", "kyoto", "space"} == set(current["index"].documents)
    assert first[0].files[0].total > 0 and first[0].files[0].done == first[0].files[0].total


def test_a_control_character_in_a_raw_file_name_is_refused(client, app_settings):
    before = sorted(p.name for p in Path(app_settings.corpus_dir).iterdir())
    boundary = "xyzBOUNDARY"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="bell\x07.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n{CANTEEN}\r\n--{boundary}--\r\n").encode()
    response = client.post("/api/documents?wait=true", content=body,
                           headers={**EDITOR, "content-type": f"multipart/form-data; boundary={boundary}"})
    [result] = response.json()["files"]
    assert result["result"] == "skipped" and "制御文字" in result["message"]
    assert sorted(p.name for p in Path(app_settings.corpus_dir).iterdir()) == before


def test_questions_are_answered_from_the_old_index_while_the_new_one_builds(index, embedder, app_settings):
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), app_settings)
    app = build_app(answerer, app_settings)
    building, release = threading.Event(), threading.Event()

    def held(*args, **kwargs):
        building.set()
        release.wait(120)
        return rebuild_index(*args, **kwargs)

    app.state.documents.rebuild = held
    with TestClient(app) as c:
        queued = c.post("/api/documents", headers=EDITOR, files=[("files", ("食堂.txt", f"食堂\n\n{CANTEEN}\n".encode()))])
        assert queued.status_code == 202 and building.wait(120)
        body = c.post("/api/ask", json={"question": "東京タワーの高さは何メートル？"}).json()
        assert not body["refused"] and "333" in body["answer"]  # answered while the build is held
        assert c.post("/api/ask", json={"question": CANTEEN_Q}).json()["refused"]  # the old index still serves
        job_url = f"/api/documents/jobs/{queued.json()['job_id']}"
        assert c.get(job_url, headers=EDITOR).json()["state"] == "running"
        release.set()
        app.state.documents._worker.submit(lambda: None).result()  # the job queue has drained
        assert c.get(job_url, headers=EDITOR).json()["files"][0]["result"] == "added"
        assert not c.post("/api/ask", json={"question": CANTEEN_Q}).json()["refused"]


def test_an_upload_or_removal_embeds_only_the_article_it_changes(settings, hash_embedder):
    from rag.index import build_index

    settings = settings.replace(chunk_tokens=200, chunk_overlap_tokens=0)  # the hash embedder counts characters
    index = build_index(settings, hash_embedder, progress=False)[0]
    library, current = library_for(settings, hash_embedder, index)
    hash_embedder.passages_embedded = 0
    job, future = library.upload([("canteen.txt", f"社員食堂\n\n{CANTEEN}\n".encode())])
    future.result()
    assert job.files[0].result == "added"
    new = current["index"]
    passages = [p for p in new.passages if p.doc_id == "canteen"]
    rows = sum(1 for p in new.sentences.passage_of if new.passages[int(p)].doc_id == "canteen")
    # the new article's passages and sentences, and nothing of the three articles already indexed
    assert hash_embedder.passages_embedded == len(passages) + rows
    hash_embedder.passages_embedded = 0
    library.remove("canteen")[1].result()
    assert hash_embedder.passages_embedded == 0 and "canteen" not in current["index"].documents
