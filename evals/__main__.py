"""Command line: `python -m evals retrieval | jsquad | answers | load`."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from rag.config import load_settings
from rag.errors import USER_ERRORS

from . import report


def _settings(args):
    settings = load_settings(args.config, index_dir=getattr(args, "index", None),
                             corpus_dir=getattr(args, "corpus", None),
                             generator=getattr(args, "generator", None))
    logging.getLogger("evals").info("settings:\n%s", settings.describe())
    return settings


def cmd_retrieval(args) -> int:
    from rag.service import open_retriever

    from .questions import load_questions
    from .retrieval import COLUMNS, evaluate_retrieval

    settings = _settings(args)
    questions = load_questions(args.questions)
    retriever = open_retriever(settings)
    result = evaluate_retrieval(retriever, questions)
    out = {"kind": "retrieval", "questions_file": str(args.questions), "settings": vars(settings),
           "index": retriever.index.manifest, **result}
    report.write_json(out, args.out)
    print(f"retrieval on {result['n_questions']} answerable questions from {args.questions}")
    print(report.table(result["rows"], COLUMNS))
    if result["unmatched_evidence"]:
        print(f"warning: no passage holds the evidence of {', '.join(result['unmatched_evidence'])}", file=sys.stderr)
    print(f"report: {args.out}")
    return 0


def cmd_jsquad(args) -> int:
    from rag.service import open_embedder

    from .jsquad import COLUMNS, build_paragraph_index, evaluate_retrieval, load_jsquad

    settings = _settings(args).replace(chunk_tokens=args.chunk_tokens)
    documents, questions = load_jsquad(args.data, args.split_limit or args.limit, seed=args.seed)
    embedder = open_embedder(settings)
    out: dict = {"kind": "jsquad", "data": str(args.data), "settings": vars(settings),
                 "n_paragraphs": len(documents), "n_questions": len(questions), "seed": args.seed}
    with tempfile.TemporaryDirectory(prefix="jsquad-index-") as tmp:
        started = time.time()
        retriever = build_paragraph_index(documents, settings, embedder, Path(tmp))
        build_seconds = time.time() - started
        out["index"] = {"build_seconds": round(build_seconds, 1),
                        "paragraphs_per_second": round(len(documents) / build_seconds, 2),
                        "n_passages": len(retriever.index.passages), "n_sentences": len(retriever.index.sentences)}
        if args.answers:
            from rag.service import open_answerer

            from .answers import evaluate_jsquad_answers

            answerer = open_answerer(settings, retriever=retriever)
            row_log = report.RowLog(Path(args.out).with_suffix(".rows.jsonl"))
            print(f"rows as they are scored: {row_log.path}")
            out["answers"] = evaluate_jsquad_answers(answerer, questions, row_log)
        else:
            modes = tuple(args.modes.split(","))
            out.update(evaluate_retrieval(retriever, documents, questions, modes))
    report.write_json(out, args.out)
    if args.answers:
        row_log.done()
    print(f"JSQuAD: {len(questions)} questions over {len(documents)} paragraphs "
          f"(index {out['index']['build_seconds']} s, {out['index']['paragraphs_per_second']} paragraphs/s)")
    if "rows" in out:
        print("gold paragraph retrieved:")
        print(report.table(out["rows"], COLUMNS))
        print("answer string in the top-k paragraphs:")
        print(report.table(out["rows"], [f"answer@{k}" for k in (1, 3, 5, 10)]))
    if "answers" in out:
        print(report.table({"answers": out["answers"]["summary"]}, list(out["answers"]["summary"])))
    print(f"report: {args.out}")
    return 0


def cmd_answers(args) -> int:
    from rag.service import open_answerer

    from .answers import evaluate_answers, write_markdown
    from .questions import load_questions

    settings = _settings(args)
    questions = load_questions(args.questions)
    if args.limit:
        questions = questions[:args.limit]
    answerer = open_answerer(settings)
    row_log = report.RowLog(Path(args.out).with_suffix(".rows.jsonl"))
    print(f"rows as they are scored: {row_log.path}")
    result = evaluate_answers(answerer, questions, row_log)
    out = {"kind": "answers", "questions_file": str(args.questions), "settings": vars(settings), **result}
    path = report.write_json(out, args.out)
    row_log.done()
    markdown = write_markdown(out, path.with_suffix(".md"))
    print(report.table({"answers": result["summary"]}, list(result["summary"])))
    print(f"report: {path} and {markdown}")
    return 0


def cmd_load(args) -> int:
    import httpx

    from . import load
    from .questions import load_questions

    questions = [q for q in load_questions(args.questions) if not q.history]
    users = [int(u) for u in args.users.split(",")]
    durations = [float(d) for d in args.duration.split(",")]
    durations += [durations[-1]] * (len(users) - len(durations))
    app = None
    if args.url:
        load.assert_loopback(args.url)
        url = args.url.rstrip("/")
    else:
        extra = [*(["--generator", args.generator] if args.generator else []),
                 *(["--config", args.config] if args.config else [])]
        app = load.AppProcess(load.free_port(), extra, Path(args.out).with_suffix(".app.log"))
        print(f"starting app.py ({app.url}); log in {Path(args.out).with_suffix('.app.log')}")
        app.wait_ready()
        url = app.url
    try:
        generator = httpx.get(f"{url}/healthz", timeout=10).json().get("generator", "?")
        levels, details = [], {}
        for n, duration in zip(users, durations):
            print(f"{n} concurrent users for up to {duration:.0f} s ...", flush=True)
            level = load.run_level(url, questions, n, duration, args.max_requests, args.timeout,
                                   app.process.pid if app else None)
            levels.append(load.summarize(level))
            details[str(n)] = {"requests": load.to_json(level), "rss_mb_every_2s": [round(m) for m in level.rss_mb]}
            print(report.table({f"{n} users": levels[-1]}, list(levels[-1])[1:10]), flush=True)
    finally:
        if app:
            app.stop()
    out = {"kind": "load", "target": url, "generator": generator, "duration_s": dict(zip(users, durations)),
           "max_requests": args.max_requests, "levels": levels, "details": details}
    path = report.write_json(out, args.out)
    markdown = load.write_report(out, path.with_suffix(".md"))
    print(report.table({f"{s['users']} users": s for s in levels}, list(levels[0])[1:]))
    print(f"report: {path} and {markdown}")
    failed = sum(s["lost"] + s["crosswired"] + s["errors"] for s in levels)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals", description="Evaluate retrieval and answers.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("retrieval", help="retrieval metrics on a question file")
    p.add_argument("--questions", default="evals/questions.jsonl")
    p.add_argument("--index", help="index folder (default: settings)")
    p.add_argument("--corpus", help="corpus folder (default: settings)")
    p.add_argument("--out", default="reports/retrieval.json")
    p.set_defaults(func=cmd_retrieval)

    p = sub.add_parser("jsquad", help="retrieval (or, with --answers, reader) metrics on JSQuAD")
    p.add_argument("--data", default="../shared/evaldata/jsquad/valid-v1.3.json")
    p.add_argument("--split-limit", type=int, default=0, help="random sample of N questions (all paragraphs kept)")
    p.add_argument("--limit", type=int, default=0, help="same as --split-limit")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--modes", default="hybrid,dense,lexical")
    p.add_argument("--chunk-tokens", type=int, default=512,
                   help="passage size; the default keeps each paragraph whole, as the task defines the unit")
    p.add_argument("--answers", action="store_true", help="score generated answers (EM / character F1)")
    p.add_argument("--generator", help="generator backend for --answers")
    p.add_argument("--out", default="reports/jsquad.json")
    p.set_defaults(func=cmd_jsquad)

    p = sub.add_parser("answers", help="run the whole pipeline on a question file")
    p.add_argument("--questions", default="evals/questions.jsonl")
    p.add_argument("--index", help="index folder (default: settings)")
    p.add_argument("--corpus", help="corpus folder (default: settings)")
    p.add_argument("--generator", help="generator backend (default: settings)")
    p.add_argument("--limit", type=int, default=0, help="only the first N questions")
    p.add_argument("--out", default="reports/answers.json")
    p.set_defaults(func=cmd_answers)

    p = sub.add_parser("load", help="concurrent chat users against app.py (loopback only)")
    p.add_argument("--url", help="a running app on this machine (default: start app.py on a free port)")
    p.add_argument("--users", default="1,4,16", help="comma-separated concurrency levels")
    p.add_argument("--duration", default="120", help="seconds of new questions per level (one, or one per level)")
    p.add_argument("--max-requests", type=int, default=200, help="at most this many questions per level")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds one question may take before it counts as lost")
    p.add_argument("--questions", default="evals/questions.jsonl")
    p.add_argument("--generator", help="generator backend for the started app (default: settings)")
    p.add_argument("--out", default="reports/load.json")
    p.set_defaults(func=cmd_load)

    for p in sub.choices.values():
        p.add_argument("--config", help="TOML settings file")
        p.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (*USER_ERRORS, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
