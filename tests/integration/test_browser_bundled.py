"""The whole product in headless Chromium: wiki iframe, real index, real bundled model, streamed answer."""

import pytest

from rag.web import build_app

from ..conftest import SCREENSHOTS
from ..live import free_port, host_page, serve_app, serve_folder
from ..test_browser import ask

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_real_model_answer_in_the_wiki_iframe(chromium, answerer, real_settings, tmp_path):
    port = free_port()
    (tmp_path / "index.html").write_text(host_page(f"http://127.0.0.1:{port}"), encoding="utf-8")
    with serve_folder(tmp_path) as wiki:
        settings = real_settings.replace(allowed_origins=wiki)
        with serve_app(build_app(answerer, settings), port):
            page = chromium.new_page(viewport={"width": 1000, "height": 800})
            page.goto(f"{wiki}/index.html")
            frame = page.frame_locator("#qa")
            ask(frame, "ウィトコフ特使とプーチン大統領の話し合いは何時間に及びましたか？")
            frame.locator("#sources", has_text="いちばん関連の深い箇所").wait_for(timeout=60_000)  # before the answer
            answer = frame.locator('#chat [data-testid="bot"]').last
            answer.filter(has_text="[1]").wait_for(timeout=180_000)
            frame.locator("#source-1 mark").wait_for(timeout=30_000)
            assert "5時間" in answer.inner_text()
            assert "5時間" in frame.locator("#source-1").inner_text()
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "iframe-real-model.png"), full_page=True)
            page.close()
