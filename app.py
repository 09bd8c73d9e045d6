"""Starts the chat page and HTTP API on the configured corpus, index and generator: `python app.py`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.config import load_settings  # noqa: E402
from rag.errors import USER_ERRORS  # noqa: E402

log = logging.getLogger("app")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Japanese Q&A chat page over the articles in the corpus folder.")
    parser.add_argument("--config", help="TOML settings file (default: rag.toml if present)")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int)
    parser.add_argument("--root-path", dest="root_path", help="URL prefix when served behind a reverse proxy")
    parser.add_argument("--corpus", dest="corpus_dir")
    parser.add_argument("--index", dest="index_dir")
    parser.add_argument("--generator",
                        help="auto (default), llama-cpp, openvino, transformers, openai, extractive or reader")
    parser.add_argument("--generator-model", dest="generator_model")
    parser.add_argument("--allowed-origins", dest="allowed_origins",
                        help="space-separated origins allowed to show the page in an iframe")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(args.config, **{k: v for k, v in vars(args).items() if k != "config"})
        log.info("settings:\n%s", settings.describe())
        from rag.service import open_answerer
        from rag.web import build_app, example_questions

        answerer = open_answerer(settings)
        app = build_app(answerer, settings, example_questions(Path(__file__).parent / "evals" / "questions-dev.jsonl"))
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    # in the background: the page is served at once, and a question asked meanwhile waits for the model's lock
    threading.Thread(target=answerer.warm_up, name="generator-warm-up", daemon=True).start()
    import uvicorn

    log.info("chat page on http://%s:%d%s/", settings.host, settings.port, settings.root_path)
    uvicorn.run(app, host=settings.host, port=settings.port, root_path=settings.root_path, log_level="info",
                timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
