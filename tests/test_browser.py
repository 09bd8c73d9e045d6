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
