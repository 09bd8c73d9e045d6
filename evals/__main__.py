"""Command line: `python -m evals retrieval | jsquad | answers | steps | evidence | load | scale | update |
short-answer`."""

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
    if getattr(args, "corpus", None):
        from rag.index import corpus_for

        # an index built from another corpus would be searched in its stead (the app follows its index): every
        # figure would be of the wrong articles, so a corpus it was not built from is refused, naming --index
        corpus_for(Path(settings.index_dir), settings.corpus_dir, settings.corpus_dir)
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
    documents, questions = load_jsquad(args.data, args.split_limit or args.limit, seed=args.seed,
                                       leave_out=args.leave_out)
    embedder = open_embedder(settings)
    out: dict = {"kind": "jsquad", "data": str(args.data), "settings": vars(settings),
                 "n_paragraphs": len(documents), "n_questions": len(questions), "seed": args.seed,
                 "leave_out": list(args.leave_out)}
    with tempfile.TemporaryDirectory(prefix="jsquad-index-") as tmp:
        started = time.time()
        retriever = build_paragraph_index(documents, settings, embedder, Path(args.index_dir or tmp))
        build_seconds = time.time() - started
        out["index"] = {"build_seconds": round(build_seconds, 1),
                        "paragraphs_per_second": round(len(documents) / build_seconds, 2),
                        "n_passages": len(retriever.index.passages), "n_sentences": len(retriever.index.sentences)}
        if args.answers:
            from rag.service import open_answerer

            from .answers import evaluate_jsquad_answers

            if args.replay:  # the recorded replies of an earlier report stand in for the model
                from .replay import replayed

                answerer = open_answerer(settings.replace(generator="extractive"), retriever=retriever)
                answerer.generator = replayed(args.replay, settings)
                out["replayed_from"] = args.replay
            else:
                answerer = open_answerer(settings, retriever=retriever)
                out["warm_up_s"] = answerer.warm_up()  # as the chat page does at start: timed questions come after it
                out["cpu"] = report.cpu()
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
    if args.replay:  # the recorded replies of an earlier report stand in for the model
        answerer = _replaying(settings, _recorded(args, questions))
        run = {"replayed_from": args.replay}
    else:
        answerer = open_answerer(settings)
        # as the chat page does at start: timed questions come after it
        run = {"warm_up_s": answerer.warm_up(), "cpu": report.cpu()}
    row_log = report.RowLog(Path(args.out).with_suffix(".rows.jsonl"))
    print(f"rows as they are scored: {row_log.path}")
    result = evaluate_answers(answerer, questions, row_log)
    out = {"kind": "answers", "questions_file": str(args.questions), "settings": vars(settings),
           **run, **result}
    path = report.write_json(out, args.out)
    row_log.done()
    markdown = write_markdown(out, path.with_suffix(".md"))
    print(report.table({"answers": result["summary"]}, list(result["summary"])))
    print(f"report: {path} and {markdown}")
    return 0


def _recorded(args, questions: list):
    """The replies recorded in the report `args.replay`, checked to cover every question of `args.questions`."""
    from .replay import RecordedGenerator

    recorded = RecordedGenerator.from_report(args.replay)
    recorded.check_covers([q.question for q in questions], args.replay, args.questions)
    return recorded


def _replaying(settings, recorded):
    """An answerer over the settings' index whose model is the `recorded` replies (`evals.replay.replayed`)."""
    from rag.service import open_answerer, open_retriever

    from .replay import replayed

    answerer = open_answerer(settings.replace(generator="extractive"), open_retriever(settings))
    answerer.generator = replayed(recorded, settings)
    return answerer


def cmd_steps(args) -> int:
    from rag.verify import Verifier

    from .questions import load_questions
    from .steps import COLUMNS, StepEffects

    steps = list(Verifier.STEPS)
    if args.steps is not None:
        steps = list(dict.fromkeys(s.strip() for s in args.steps.split(",") if s.strip()))
        if not steps:
            raise ValueError("--steps names no step; leave it out to switch off every step in turn")
        try:
            Verifier.named_steps(steps)
        except ValueError as exc:
            raise ValueError(f"--steps: {exc}") from None
    questions = load_questions(args.questions)
    if args.limit:
        questions = questions[:args.limit]
    recorded = _recorded(args, questions)
    settings = _settings(args)
    answerer = _replaying(settings, recorded)
    result = StepEffects(answerer, steps)(questions)
    out = {"kind": "steps", "questions_file": str(args.questions), "replayed_from": args.replay,
           "settings": vars(settings), **result}
    path = report.write_json(out, args.out)
    print(f"{len(steps)} verification step(s) switched off in turn, {len(questions)} questions of {args.questions}")
    shipped = {**dict.fromkeys(COLUMNS, ""), **result["shipped"]}  # nothing switched off: nothing to compare
    print(report.table({"shipped": shipped, **result["steps"]}, COLUMNS))
    print(f"report: {path}")
    return 0


def cmd_prefill(args) -> int:
    from rag.answer import Answerer
    from rag.service import open_answerer

    from .prefill import PROMPT_SETTINGS, compare_prefill
    from .questions import load_questions

    if args.limit < 0:
        raise ValueError(f"--limit must be 0 (all) or more, got {args.limit}")
    changes = {}
    for pair in args.b:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--b expects SETTING=VALUE, got {pair!r}")
        if name.strip() not in PROMPT_SETTINGS:
            raise ValueError(f"--b can change what a prompt is made of ({', '.join(PROMPT_SETTINGS)}), "
                             f"not {name.strip()!r}: both prompts go to one generator over one index")
        changes[name.strip()] = value.strip()
    settings = _settings(args)
    other = load_settings(args.config, **{"index_dir": args.index, "corpus_dir": args.corpus,
                                          "generator": args.generator, **changes})
    questions = [q.question for q in load_questions(args.questions)][:args.limit or None]
    answerer = open_answerer(settings)
    warm_up_s = answerer.warm_up()  # the fixed part of the prompt is read once, as the chat page does at start
    label = "b: " + ", ".join(f"{k}={v}" for k, v in changes.items())
    result = compare_prefill({"a: settings": answerer, label: Answerer(answerer.retriever, answerer.generator, other)},
                             questions)
    path = report.write_json({"kind": "prefill", "questions_file": str(args.questions), "generator":
                              answerer.generator.name, "warm_up_s": warm_up_s, "cpu": report.cpu(), "changes": changes,
                              "settings": vars(settings), "results": result}, args.out)
    print(f"time to the first token, {answerer.generator.name}, {len(questions)} questions of {args.questions}:")
    print(report.table(result, ["n", "not_asked", "prompt_chars_mean", "first_token_p50_s", "first_token_p95_s",
                                "first_token_mean_s"]))
    print(f"report: {path}")
    return 0


def cmd_evidence(args) -> int:
    import json
    from contextlib import ExitStack

    from rag.service import open_embedder, open_retriever

    from . import evidence as ev

    settings = _settings(args)
    paragraph_settings = settings.replace(chunk_tokens=args.chunk_tokens)
    embedder = open_embedder(settings)
    budgets = [int(b) for b in args.budgets.split(",")]
    out: dict = {"kind": f"evidence {args.mode}", "budgets": budgets, "seconds": {}}
    with ExitStack() as stack:
        if args.mode == "fit":
            started = time.time()
            selection = {"paragraphs": args.paragraphs, "per_article": args.per_article, "seed": args.seed,
                         "held_out": args.held_out, "chunk_tokens": args.chunk_tokens}
            documents, questions = ev.load_jaquad(args.jaquad, args.paragraphs, args.per_article, args.seed)
            held_out = ev.held_out_articles(questions, args.held_out, args.seed)
            retriever = ev.paragraph_retriever(documents, paragraph_settings, embedder, stack, args.cache, "jaquad")
            hits = ev.retrieve(retriever, [q.question for q in questions], settings, "jaquad search")
            names = (args.features or ",".join(ev.DEFAULT_FEATURES)).split(",")
            weights, metrics = ev.fit_and_evaluate(questions, hits, retriever.index.documents, held_out, names,
                                                   args.l2, settings.answer_passages, budgets)
            weights["note"] = (f"Fitted on JaQuAD train ({args.jaquad}, CC BY-SA 3.0) by `python -m evals evidence fit "
                               f"--paragraphs {args.paragraphs} --per-article {args.per_article} --seed {args.seed} "
                               f"--held-out {args.held_out} --l2 {args.l2}`: {len(documents)} paragraphs, questions "
                               "of articles outside the held-out part, candidates the sentences of the top-5 "
                               "distinct hits, label: the sentence holds the answer's character span.")
            weights["selection"] = selection
            weights["held_out"] = {"top1": metrics["top1"], "answer_in_evidence": metrics["answer_in_evidence"]}
            Path(args.weights).write_text(json.dumps(weights, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            out.update(weights=weights, held_out=metrics, n_paragraphs=len(documents))
            out["seconds"]["fit"] = ev.timed(started)
            print(f"{weights['n_questions']} fit questions with the answer's sentence retrieved, "
                  f"{weights['n_sentences']} sentences ({weights['n_positive']} holding the answer)")
            print(report.table({n: {"coef": c, "mean": m, "scale": s} for n, c, m, s in
                                zip(weights["features"], weights["coef"], weights["mean"], weights["scale"])},
                               ["coef", "mean", "scale"]))
            print(f"intercept {weights['intercept']:.3f}; weights: {args.weights}")
            print(f"held-out JaQuAD: {metrics['n_held_out_questions']} questions, "
                  f"log loss {metrics['log_loss']['held_out']:.3f} (fit {metrics['log_loss']['fit']:.3f}); "
                  f"answer sentence ranked first: baseline {metrics['top1']['baseline']:.3f}, "
                  f"ranker {metrics['top1']['ranker']:.3f}")
            print("answer in evidence:")
            print(report.table(ev.budget_table(metrics), [f"@{b}" for b in budgets]))
        elif args.mode == "coverage":
            from rag.answer import Answerer

            from .replay import RecordedGenerator

            started = time.time()
            documents, questions = ev.load_jaquad(args.jaquad, args.paragraphs, args.per_article, args.seed)
            retriever = ev.paragraph_retriever(documents, paragraph_settings, embedder, stack, args.cache,
                                               f"jaquad{args.seed}")
            hits = ev.retrieve(retriever, [q.question for q in questions], settings, "jaquad search")
            answerer = Answerer(retriever, RecordedGenerator({}), settings)  # its evidence only: no model is asked
            coverages = ev.evidence_coverages(questions, hits, answerer, settings.answer_passages)
            out.update(n_paragraphs=len(documents), n_answered=len(coverages["answered"]),
                       n_missed=len(coverages["missed"]), min_evidence_coverage=settings.min_evidence_coverage,
                       percentiles=ev.coverage_table(coverages, settings.min_evidence_coverage))
            out["seconds"]["coverage"] = ev.timed(started)
            print(f"JaQuAD: {len(documents)} paragraphs; {out['n_answered']} questions with the answer in the "
                  f"evidence, {out['n_missed']} with every passage holding it left out")
            print(report.table(out["percentiles"], ["coverage", "answered_below", "missed_below"]))
        else:
            ranker = ev.SentenceRanker(args.weights)
            selection = json.loads(Path(args.weights).read_text(encoding="utf-8")).get("selection", {})
            parts = args.parts.split(",")
            out["parts"] = {}
            if "jaquad" in parts:
                started = time.time()
                documents, questions = ev.load_jaquad(args.jaquad, selection["paragraphs"],
                                                      selection["per_article"], selection["seed"])
                held_out = ev.held_out_articles(questions, selection["held_out"], selection["seed"])
                questions = [q for q in questions if q.article in held_out]
                retriever = ev.paragraph_retriever(documents, settings.replace(chunk_tokens=selection["chunk_tokens"]),
                                                   embedder, stack, args.cache, "jaquad")
                asked = [q.question for q in questions]
                hits = ev.shown(asked, ev.retrieve(retriever, asked, settings, "jaquad search"),
                                retriever.index.documents, settings)
                out["parts"]["jaquad held-out"] = ev.answer_in_evidence(
                    asked, [[q.answer] for q in questions], hits,
                    retriever.index.documents, ranker, budgets, settings.answer_passages,
                    [(q.doc_id, q.start, q.end) for q in questions])
                out["seconds"]["jaquad"] = ev.timed(started)
            if "jsquad" in parts:
                from .jsquad import load_jsquad

                started = time.time()
                documents, questions = load_jsquad(args.jsquad)
                retriever = ev.paragraph_retriever(documents, paragraph_settings, embedder, stack, args.cache, "jsquad")
                asked = [q.question for q in questions]
                hits = ev.shown(asked, ev.retrieve(retriever, asked, settings, "jsquad search"),
                                retriever.index.documents, settings)
                out["parts"]["jsquad valid"] = ev.answer_in_evidence(
                    asked, [q.answers for q in questions], hits,
                    retriever.index.documents, ranker, budgets, settings.answer_passages)
                out["seconds"]["jsquad"] = ev.timed(started)
            if "questions" in parts:
                from rag.followup import standalone_query

                from .questions import load_questions

                retriever = open_retriever(settings)
                for file in args.questions.split(","):
                    started = time.time()
                    questions = [q for q in load_questions(file) if q.answerable and q.answers]
                    queries = [standalone_query(q.question, q.history) for q in questions]
                    hits = ev.shown([q.question for q in questions], ev.retrieve(
                        retriever, queries, settings, f"{file} search"), retriever.index.documents, settings)
                    out["parts"][file] = ev.answer_in_evidence(
                        queries, [q.answers for q in questions], hits, retriever.index.documents, ranker, budgets,
                        settings.answer_passages)
                    out["seconds"][file] = ev.timed(started)
            for part, result in out["parts"].items():
                print(f"{part}: {result['n_questions']} questions, answer in evidence "
                      f"(top {settings.answer_passages} distinct passages, of the articles naming what is asked)")
                print(report.table(ev.budget_table(result), [f"@{b}" for b in budgets]))
                print("mean characters read, title lines included:")
                print(report.table({m: {k: round(v) for k, v in row.items()}
                                    for m, row in ev.budget_table(result, "mean_chars").items()},
                                   [f"@{b}" for b in budgets]))
            print(f"seconds: {out['seconds']}")
    report.write_json(out, args.out)
    print(f"report: {args.out}")
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


def cmd_scale(args) -> int:
    from rag.service import open_embedder

    from . import scale

    settings = load_settings(args.config, store=args.store)
    sizes = [int(n) for n in args.passages.split(",")]
    work_dir = Path(args.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    embedder = open_embedder(settings) if args.vectors == "real" else None
    if args.dense:
        rows = scale.dense_sweep(settings, sizes[-1], args.queries, args.jsquad, args.vectors, embedder, work_dir,
                                 args.dense)
        report.write_json({"kind": "scale-dense", "vectors": args.vectors, "passages": sizes[-1], "rows": rows},
                          args.out)
        print(report.table(rows, ["build_s", "p50_ms", "p95_ms", "recall@10"]))
        return 0
    rows = scale.run(settings, sizes, work_dir, args.queries, args.jsquad, args.keep, args.vectors, embedder)
    cpu = report.cpu()
    out = {"kind": "scale", "store": settings.store, "vectors": args.vectors, "factory": settings.ann_factory,
           "search_params": settings.ann_search_params, "ann_min_passages": settings.ann_min_passages,
           "large_factory": settings.ann_large_factory, "large_search_params": settings.ann_large_search_params,
           "ann_large_min_passages": settings.ann_large_min_passages,
           "candidates": settings.candidates, "queries": args.queries, "cpu": cpu, "rows": rows}
    report.write_json(out, args.out)
    print(f"{settings.store} ({settings.ann_factory}, {settings.ann_search_params}; exact below "
          f"{settings.ann_min_passages:,} passages; {settings.ann_large_factory}, {settings.ann_large_search_params} "
          f"from {settings.ann_large_min_passages:,}), {args.vectors} vectors, {args.queries} queries, hybrid top-10 "
          f"without the query embedding; CPU {cpu}")
    print(report.table(rows, scale.COLUMNS))
    print(f"report: {args.out}")
    return 0


def cmd_short_answer(args) -> int:
    from . import short_answer

    out = short_answer.run(args.data or list(short_answer.DEFAULT_FILES), args.limit, args.seed)
    report.write_json({"kind": "short-answer", **out}, args.out)
    print(f"short answer read from the gold answer's sentence, {out['n']} questions of {', '.join(out['data'])}")
    print("| reader | exact match | char F1 |\n|---|---|---|")
    for name, scores in out["readers"].items():
        print(f"| {name} | {scores['exact_match']:.3f} | {scores['char_f1']:.3f} |")
    return 0


def cmd_update(args) -> int:
    from rag.service import open_embedder

    from . import scale

    settings = load_settings(args.config)
    work_dir = Path(args.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    row = scale.update_timing(settings, open_embedder(settings), work_dir, args.documents, args.jsquad)
    report.write_json({"kind": "update", "embedder": settings.embedder, **row}, args.out)
    print(f"{row['documents']} documents: full build {row['full_s']} s ({row['full_embedded_passages']} passages "
          f"embedded); one document changed: {row['one_changed_s']} s ({row['one_changed_embedded_passages']} "
          f"passages, {row['one_changed_embedded_sentences']} sentences embedded), {row['ratio']:.1%} of the full build")
    print(f"report: {args.out}")
    return 0


def _seeds(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(seed) for seed in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seeds separated by commas (1,2), got {text!r}") from None


def _question_run_arguments(p: argparse.ArgumentParser, questions: str, limit: int) -> None:
    """The options of a run of the pipeline over a question file."""
    p.add_argument("--questions", default=questions)
    p.add_argument("--index", help="index folder (default: settings)")
    p.add_argument("--corpus", help="corpus folder (default: settings)")
    p.add_argument("--generator", help="generator backend (default: settings)")
    p.add_argument("--limit", type=int, default=limit, help=f"only the first N questions (0: all; default {limit})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals", description="Evaluate retrieval and answers.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("retrieval", help="retrieval metrics on a question file")
    p.add_argument("--questions", default="evals/questions-dev.jsonl")
    p.add_argument("--index", help="index folder (default: settings)")
    p.add_argument("--corpus", help="corpus folder (default: settings)")
    p.add_argument("--out", default="reports/retrieval.json")
    p.set_defaults(func=cmd_retrieval)

    p = sub.add_parser("jsquad", help="retrieval (or, with --answers, reader) metrics on JSQuAD")
    p.add_argument("--data", default="../shared/evaldata/jsquad/valid-v1.3.json")
    p.add_argument("--split-limit", type=int, default=0, help="random sample of N questions (all paragraphs kept)")
    p.add_argument("--limit", type=int, default=0, help="same as --split-limit")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--leave-out", type=_seeds, default=(), metavar="SEEDS",
                   help="first leave out the 300-question samples of these seeds (1,2): a part to tune on apart "
                        "from the samples figures are reported on")
    p.add_argument("--modes", default="hybrid,dense,lexical")
    p.add_argument("--chunk-tokens", type=int, default=512,
                   help="passage size; the default keeps each paragraph whole, as the task defines the unit")
    p.add_argument("--index-dir", help="keep the paragraph index in this folder and reuse it on the next run")
    p.add_argument("--answers", action="store_true", help="score generated answers (EM / character F1)")
    p.add_argument("--generator", help="generator backend for --answers")
    p.add_argument("--replay", metavar="REPORT",
                   help="with --answers: score the model replies recorded in an earlier report, without the model")
    p.add_argument("--out", default="reports/jsquad.json")
    p.set_defaults(func=cmd_jsquad)

    p = sub.add_parser("answers", help="run the whole pipeline on a question file")
    _question_run_arguments(p, "evals/questions-dev.jsonl", limit=0)
    p.add_argument("--replay", metavar="REPORT",
                   help="score the model replies recorded in an earlier answer report instead of running the model")
    p.add_argument("--out", default="reports/answers.json")
    p.set_defaults(func=cmd_answers)

    p = sub.add_parser("steps", help="what each verification step changes: the recorded replies of an answer report "
                                     "checked again with each step switched off in turn")
    p.add_argument("--questions", default="evals/questions-dev.jsonl")
    p.add_argument("--index", help="index folder (default: settings)")
    p.add_argument("--corpus", help="corpus folder (default: settings)")
    p.add_argument("--limit", type=int, default=0, help="only the first N questions (0: all)")
    p.add_argument("--replay", metavar="REPORT", required=True,
                   help="the answer report whose recorded model replies are checked again")
    p.add_argument("--steps", help="comma-separated steps to switch off, one at a time (default: every step of "
                                   "rag.verify.Verifier.STEPS)")
    p.add_argument("--out", default="reports/steps.json")
    p.set_defaults(func=cmd_steps)

    p = sub.add_parser("prefill", help="time to the first token for the settings and a changed copy, asked in turn")
    _question_run_arguments(p, "evals/questions-test.jsonl", limit=30)
    p.add_argument("--b", action="append", required=True, metavar="SETTING=VALUE",
                   help="a setting of the second prompt, e.g. evidence_titles=false (repeatable)")
    p.add_argument("--out", default="reports/prefill.json")
    p.set_defaults(func=cmd_prefill)

    p = sub.add_parser("evidence", help="fit the evidence sentence ranker on JaQuAD, report answer-in-evidence, or "
                                        "the share of the question the evidence holds (min_evidence_coverage)")
    p.add_argument("mode", choices=["fit", "report", "coverage"])
    p.add_argument("--jaquad", default="../shared/evaldata/jaquad", help="folder of jaquad_train_*.json")
    p.add_argument("--paragraphs", type=int, default=400, help="fit, coverage: JaQuAD paragraphs to index")
    p.add_argument("--per-article", type=int, default=5,
                   help="fit, coverage: at most this many paragraphs of an article")
    p.add_argument("--held-out", type=float, default=0.25, help="fit: share of articles kept out of fitting")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--features", help="fit: comma-separated features of the model (default: evals/evidence.py)")
    p.add_argument("--l2", type=float, default=1.0, help="fit: L2 penalty on the standardised coefficients")
    p.add_argument("--weights", default="rag/evidence_weights.json")
    p.add_argument("--parts", default="jaquad,jsquad,questions", help="report: held-out JaQuAD, JSQuAD, project set")
    p.add_argument("--jsquad", default="../shared/evaldata/jsquad/valid-v1.3.json")
    p.add_argument("--questions", default="evals/questions-dev.jsonl,evals/questions-test.jsonl",
                   help="report: comma-separated question files over the project corpus (answerable questions)")
    p.add_argument("--index", help="report: index folder of the project corpus (default: settings)")
    p.add_argument("--corpus", help="report: corpus folder (default: settings)")
    p.add_argument("--budgets", default="120,170,220,300", help="evidence budgets in characters")
    p.add_argument("--chunk-tokens", type=int, default=512, help="passage size for JaQuAD and JSQuAD paragraphs")
    p.add_argument("--cache", help="keep the JaQuAD and JSQuAD indexes in this folder and reuse them")
    p.add_argument("--out", default="reports/evidence.json")
    p.set_defaults(func=cmd_evidence)

    p = sub.add_parser("load", help="concurrent chat users against app.py (loopback only)")
    p.add_argument("--url", help="a running app on this machine (default: start app.py on a free port)")
    p.add_argument("--users", default="1,4,16", help="comma-separated concurrency levels")
    p.add_argument("--duration", default="120", help="seconds of new questions per level (one, or one per level)")
    p.add_argument("--max-requests", type=int, default=200, help="at most this many questions per level")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds one question may take before it counts as lost")
    p.add_argument("--questions", default="evals/questions-dev.jsonl")
    p.add_argument("--generator", help="generator backend for the started app (default: settings)")
    p.add_argument("--out", default="reports/load.json")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("scale", help="build time, memory, latency and ANN recall on synthetic passages")
    p.add_argument("--passages", default="10000,100000", help="comma-separated collection sizes")
    p.add_argument("--store", choices=["faiss", "qdrant"], help="vector store (default: settings)")
    p.add_argument("--queries", type=int, default=200, help="searches per size")
    p.add_argument("--jsquad", default="../shared/evaldata/jsquad/valid-v1.3.json",
                   help="JSQuAD file whose sentences join the corpus's in the synthetic passages")
    p.add_argument("--work-dir", default="reports/scale-indexes", help="where the indexes are built")
    p.add_argument("--keep", action="store_true", help="keep the built indexes")
    p.add_argument("--vectors", choices=["random", "real"], default="random",
                   help="random unit vectors (no structure: approximate search's worst case) or real ones (the pool's "
                        "sentences embedded once, passages their means)")
    p.add_argument("--dense", action="append", metavar="FACTORY[:PARAMS]",
                   help="instead of the whole index, time this FAISS index alone over the last size's passage vectors "
                        "(repeatable), e.g. --dense PQ192x4fs --dense IVF1024,PQ192x4fs:nprobe=256")
    p.add_argument("--out", default="reports/scale.json")
    p.set_defaults(func=cmd_scale)

    p = sub.add_parser("short-answer", help="the short answer read from the gold answer's sentence, without the model")
    p.add_argument("--data", action="append", metavar="FILE",
                   help="a SQuAD-format file, JaQuAD or JSQuAD (repeatable; default: JaQuAD train 0003-0005)")
    p.add_argument("--limit", type=int, default=0, help="a random sample of N questions (default: all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="reports/short-answer.json")
    p.set_defaults(func=cmd_short_answer)

    p = sub.add_parser("update", help="seconds of a full build against an update after one document changed")
    p.add_argument("--documents", type=int, default=200)
    p.add_argument("--jsquad", default="../shared/evaldata/jsquad/valid-v1.3.json")
    p.add_argument("--work-dir", default="reports/scale-indexes")
    p.add_argument("--out", default="reports/update.json")
    p.set_defaults(func=cmd_update)

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
