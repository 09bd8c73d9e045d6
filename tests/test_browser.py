"""The chat page in headless Chromium, framed by a wiki page on another origin (model-free generator)."""

from __future__ import annotations

import pytest

from rag.answer import Answerer
from rag.generate.extractive import ExtractiveGenerator
from rag.retrieve import Retriever
from rag.web import build_app

from .conftest import SCREENSHOTS
from .live import free_port, host_page, serve_app, serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture
def wiki(tmp_path, index, embedder, settings):
    """Two host pages on their own origins, one allowed to frame the app; yields (allowed, refused, app) URLs."""
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    for name in ("allowed", "refused"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(host_page(app_url), encoding="utf-8")
    with serve_folder(tmp_path / "allowed") as allowed, serve_folder(tmp_path / "refused") as refused:
        settings = settings.replace(allowed_origins=allowed)
        answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
        with serve_app(build_app(answerer, settings, ["東京タワーの高さは？"]), port):
            yield allowed, refused, app_url


def ask(frame, question: str) -> None:
    box = frame.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_wiki_page_frames_the_chat_and_shows_a_cited_answer(chromium, wiki):
    allowed, _, _ = wiki
    page = chromium.new_page(viewport={"width": 1000, "height": 800})
    page.goto(f"{allowed}/index.html")
    frame = page.frame_locator("#qa")
    ask(frame, "東京タワーの高さは何メートル？")
    answer = frame.locator('#chat [data-testid="bot"]').last
    answer.filter(has_text="[1]").wait_for(timeout=30_000)
    assert "333" in answer.inner_text()
    card = frame.locator("#source-1")
    assert "東京タワーの歴史" in card.locator("h4").inner_text() and "333" in card.locator("mark").inner_text()
    assert not frame.locator("h1", has_text="記事に聞く").is_visible()  # embed mode: no header
    page.wait_for_function("parseInt(document.getElementById('qa').style.height) > 400")  # auto-height
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "iframe-answer.png"), full_page=True)
    page.close()


def test_a_host_that_is_not_allowed_cannot_frame_the_page(chromium, wiki):
    _, refused, _ = wiki
    page = chromium.new_page()
    page.goto(f"{refused}/index.html")
    page.wait_for_timeout(2_000)
    frame = page.frames[1]
    assert not frame.url.startswith("http://127.0.0.1") or frame.locator("#question").count() == 0
    assert page.frame_locator("#qa").locator("#question").count() == 0
    page.close()


def test_html_in_a_question_is_shown_as_text(chromium, wiki):
    _, _, app_url = wiki
    page = chromium.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    ask(page, "<img src=x onerror=alert(1)>東京タワーは？")
    page.locator('#chat [data-testid="user"]').filter(has_text="<img src=x onerror=alert(1)>").wait_for()
    page.locator("#sources .card").first.wait_for(timeout=30_000)
    assert dialogs == [] and page.locator("#chat img[src=x]").count() == 0
    page.close()


def test_empty_message_gets_a_hint_and_small_screens_fit(chromium, wiki):
    _, _, app_url = wiki
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    page.goto(app_url)
    page.locator("#send").click()
    page.get_by_text("質問が空です").wait_for()
    assert page.locator('#chat [data-testid="user"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    send = page.locator("#send").bounding_box()
    assert send["x"] + send["width"] <= 360
    ask(page, "清水寺の舞台を支える柱は何本？")
    page.locator('#chat [data-testid="bot"]').filter(has_text="[1]").wait_for(timeout=30_000)
    page.locator("#source-1 mark").wait_for()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone-360px.png"), full_page=True)
    page.close()


EDITOR_TOKEN = "editor-secret"


@pytest.fixture
def editor_app(index, embedder, settings):
    """The app with the 「資料の管理」 page switched on by an editor token; yields its URL."""
    settings = settings.replace(admin_token=EDITOR_TOKEN)
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
    with serve_app(build_app(answerer, settings)) as url:
        yield url


def test_editor_uploads_txt_pdf_docx_then_removes_one(chromium, editor_app):
    from .samples import make_docx, make_pdf

    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{editor_app}/admin")
    assert "編集者だけ" in page.inner_text("body") and page.locator("#files").count() == 0

    page.goto(f"{editor_app}/admin?token={EDITOR_TOKEN}")
    page.locator("#documents tbody tr").first.wait_for()
    pdf = make_pdf([["社内報 第12号", "桜まつりは毎年四月の第一土曜日に本社の中庭で", "開かれる。"],
                    ["保養所は長野県の蓼科にあり、一泊二千円で利用できる。"]], title="社内報 第12号")
    docx = make_docx(["新入社員研修は五日間、横浜の研修センターで行われる。"], title="研修のご案内")
    page.locator("#files").set_input_files([
        {"name": "shanaiho.pdf", "mimeType": "application/pdf", "buffer": pdf},
        {"name": "kenshu.docx", "mimeType": "application/octet-stream", "buffer": docx}])
    results = page.locator("#uploads tbody tr td:nth-child(3)")
    page.wait_for_function("[...document.querySelectorAll('#uploads tbody tr td:nth-child(3)')]"
                           ".filter(td => td.textContent).length === 2", timeout=60_000)
    assert [t.split(":")[0] for t in results.all_inner_texts()] == ["追加", "追加"]
    # a dropped file goes the same way
    page.evaluate("""() => {
      const data = new DataTransfer();
      data.items.add(new File(["社員食堂の案内\\n\\n社員食堂のカレーは一皿450円である。毎週金曜日に提供される。\\n"],
                              "社員食堂.txt", {type: "text/plain"}));
      document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
    }""")
    page.wait_for_function("[...document.querySelectorAll('#uploads tbody tr td:nth-child(3)')]"
                           ".filter(td => td.textContent).length === 3", timeout=60_000)
    assert results.nth(2).inner_text().startswith("追加")
    rows = page.locator("#documents tbody tr")
    page.wait_for_function("document.querySelectorAll('#documents tbody tr').length === 6")
    assert set(rows.locator("td:nth-child(4)").all_inner_texts()) >= {"shanaiho.pdf", "kenshu.docx", "社員食堂.txt"}
    page.locator("#filter").fill("社内報")
    page.wait_for_function("document.querySelectorAll('#documents tbody tr').length === 1")
    rows.first.locator("a.show").click()
    page.locator("#viewer").filter(has_text="一泊二千円").wait_for()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-documents.png"), full_page=True)

    chat = chromium.new_page()
    chat.goto(editor_app)
    for question, cited, page_no in (("保養所は一泊いくらで利用できる？", "社内報 第12号", "p.2"),
                                     ("新入社員研修は何日間？", "研修のご案内", ""),
                                     ("社員食堂のカレーは一皿いくら？", "社員食堂の案内", "")):
        count = chat.locator('#chat [data-testid="bot"]').count()
        ask(chat, question)
        chat.locator('#chat [data-testid="bot"]').nth(count).filter(has_text="[1]").wait_for(timeout=30_000)
        card = chat.locator("#source-1")
        assert cited in card.locator("h4").inner_text()
        assert (page_no in card.locator(".meta").inner_text()) if page_no else "p." not in card.locator(".meta").inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    rows.first.locator("button.remove").click()
    page.locator("#uploads tbody tr").nth(3).locator("td:nth-child(3)").filter(has_text="削除しました").wait_for(
        timeout=60_000)
    page.locator("#filter").fill("")
    page.wait_for_function("document.querySelectorAll('#documents tbody tr').length === 5")
    count = chat.locator('#chat [data-testid="bot"]').count()
    ask(chat, "保養所は一泊いくらで利用できる？")
    chat.locator('#chat [data-testid="bot"]').nth(count).filter(has_text="資料には記載がありません").wait_for(timeout=30_000)
    chat.close()
    page.close()
