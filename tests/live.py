"""Serves the app and small host pages on free loopback ports, for gradio_client and browser tests."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from evals.load import free_port  # noqa: F401 - shared with the tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


@contextmanager
def serve_app(app, port: int | None = None) -> Iterator[str]:
    """Runs the ASGI app with uvicorn in a thread; yields its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A static file server for host pages, on its own port (so its own origin)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def host_page(app_url: str) -> str:
    """The wiki side: the iframe snippet from README.md, auto-height listener included."""
    return f"""<!doctype html><html lang="ja"><meta charset="utf-8"><title>社内Wiki</title>
<body><h1>社内Wiki</h1>
<iframe id="qa" src="{app_url}/?embed=1" title="記事に聞く Q&amp;A" style="width:100%;height:400px;border:0"></iframe>
<script>
window.addEventListener("message", (e) => {{
  if (e.origin === "{app_url}" && e.data && e.data.type === "jp-rag:height")
    document.getElementById("qa").style.height = e.data.height + "px";
}});
</script></body></html>"""
