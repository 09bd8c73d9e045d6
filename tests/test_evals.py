"""Evaluation harnesses: metrics, the question set, and the retrieval and JSQuAD harnesses on small data."""

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.jsquad import evaluate_retrieval as jsquad_retrieval
from evals.jsquad import load_jsquad
from evals.metrics import char_f1, exact_match, jglue_normalize, ranking_metrics, squash
from evals.questions import Question, load_questions
from evals.report import RowLog, cpu, describe_cpu
from evals.retrieval import evaluate_retrieval
from rag.load import load_corpus
from rag.retrieve import Retriever

from .conftest import REPO

# The news parts reported on, never tuned on: no tuning part may hold one of their questions.
REPORTED = ("questions-test.jsonl", "questions-holdout.jsonl", "questions-test2.jsonl")


def test_ranking_metrics():
    m = ranking_metrics([1, 2, None, 4])
    assert m["hit@1"] == 0.25 and m["hit@3"] == 0.5 and m["hit@5"] == 0.75
    assert m["mrr@10"] == pytest.approx((1 + 0.5 + 0.25) / 4)
    assert ranking_metrics([1], [2], [[True, False, True]])["ndcg@10"] == pytest.approx(
        (1 + 1 / 2) / (1 + 1 / 1.5849625007), rel=1e-6)


def test_answer_metrics_follow_jglue():
    assert jglue_normalize(" ＡＢＣ。") == "abc"
    assert exact_match("小笠原諸島。", "小笠原諸島") == 1.0
    assert char_f1("小笠原諸島を除く", "小笠原諸島") == pytest.approx(2 * (5 / 8) * 1 / (5 / 8 + 1))
    assert char_f1("", "x") == 0.0


def test_row_log_keeps_rows_of_a_run_cut_off_and_goes_once_the_report_is_written(tmp_path):
    log = RowLog(tmp_path / "report.rows.jsonl")
    log({"id": "q1", "f1": 1.0})
    log({"id": "q2", "f1": 0.5})
    lines = (tmp_path / "report.rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["q1", "q2"]
    log.done()
    assert not (tmp_path / "report.rows.jsonl").exists()


@pytest.mark.parametrize("name, size", [("questions-dev.jsonl", 60), ("questions-test.jsonl", 50)])
def test_question_set_is_complete_and_its_evidence_is_in_the_corpus(name, size):
    questions = load_questions(REPO / "evals" / name)
    docs, _ = load_corpus(REPO / "corpus")
    texts = {d.doc_id: squash(d.text) for d in docs}
    assert len(questions) >= size and len({q.id for q in questions}) == len(questions)
    assert sum(not q.answerable for q in questions) >= 10
    assert sum(bool(q.history) for q in questions) >= 3
    assert sum(q.kind == "multi-article" for q in questions) >= 3
    covered = set()
    for q in questions:
        for evidence in q.evidence:
            found = [doc for doc, text in texts.items() if squash(evidence) in text]
            assert found, (q.id, evidence)
            covered.update(found)
        if q.answerable:
            assert q.answers, q.id
    assert covered == set(texts)  # every article is asked about


def test_dev_test_and_holdout_questions_do_not_overlap():
    sets = [load_questions(REPO / "evals" / name) for name in ("questions-dev.jsonl", *REPORTED)]
    for i, one in enumerate(sets):
        for other in sets[i + 1:]:
            assert not {squash(q.question) for q in one} & {squash(q.question) for q in other}
            assert not {q.id for q in one} & {q.id for q in other}


def test_holdout_questions_ask_about_every_article_and_their_answers_stand_in_their_evidence():
    questions = load_questions(REPO / "evals" / "questions-holdout.jsonl")
    docs, _ = load_corpus(REPO / "corpus")
    texts = {d.doc_id: squash(d.text) for d in docs}
    assert len(questions) == 40 and sum(not q.answerable for q in questions) == 10
    covered = set()
    for q in questions:
        if not q.answerable:
            assert not q.answers and not q.evidence, q.id
            continue
        assert any(squash(a) in squash(e) for a in q.answers for e in q.evidence), q.id
        for evidence in q.evidence:
            found = [doc for doc, text in texts.items() if squash(evidence) in text]
            assert found, (q.id, evidence)
            covered.update(found)
    assert covered == set(texts)


def test_news_near_misses_are_half_unanswerable_and_hold_their_evidence_in_the_articles():
    questions = load_questions(REPO / "evals" / "questions-nearmiss-dev.jsonl")
    texts = [squash(d.text) for d in load_corpus(REPO / "corpus")[0]]
    assert len(questions) == 36 and sum(not q.answerable for q in questions) == 18
    for q in questions:
        assert q.answerable == bool(q.answers), q.id
        assert all(any(squash(e) in text for text in texts) for e in q.evidence), q.id
        assert all(any(squash(a) in squash(e) for e in q.evidence) for a in q.answers), q.id
    # a tuning set: none of its questions is one of the parts reported on (one is also a dev question)
    reported = {squash(q.question) for name in REPORTED for q in load_questions(REPO / "evals" / name)}
    assert not {squash(q.question) for q in questions} & reported


def test_second_news_dev_part_holds_its_evidence_and_answers_in_the_articles_and_no_reported_question():
    questions = load_questions(REPO / "evals" / "questions-dev2.jsonl")
    texts = [squash(d.text) for d in load_corpus(REPO / "corpus")[0]]
    assert len(questions) == 59 and sum(not q.answerable for q in questions) == 12
    for q in questions:
        assert q.answerable == bool(q.answers) == bool(q.evidence), q.id
        assert all(any(squash(e) in text for text in texts) for e in q.evidence), q.id
        assert all(any(squash(a) in text for text in texts) for a in q.answers), q.id
    reported = {squash(q.question) for name in REPORTED for q in load_questions(REPO / "evals" / name)}
    assert not {squash(q.question) for q in questions} & reported


@pytest.mark.parametrize("name, size, unanswerable", [
    ("questions-dev3.jsonl", 60, 16), ("questions-followup-dev.jsonl", 16, 3), ("questions-dev4.jsonl", 64, 18)])
def test_later_news_dev_parts_hold_their_evidence_and_answers_in_the_articles_and_no_reported_question(
        name, size, unanswerable):
    questions = load_questions(REPO / "evals" / name)
    texts = [squash(d.text) for d in load_corpus(REPO / "corpus")[0]]
    assert len(questions) == size and sum(not q.answerable for q in questions) == unanswerable
    for q in questions:
        assert q.answerable == bool(q.answers), q.id
        assert all(any(squash(e) in text for text in texts) for e in q.evidence), q.id
        assert all(any(squash(a) in squash(e) for e in q.evidence) for a in q.answers), q.id
        assert not q.history or [turn["role"] for turn in q.history] == ["user", "assistant"], q.id
    reported = {squash(q.question) for name in REPORTED for q in load_questions(REPO / "evals" / name)}
    assert not {squash(q.question) for q in questions} & reported


def test_second_news_test_part_asks_about_every_article_and_no_question_of_another_part():
    questions = load_questions(REPO / "evals" / "questions-test2.jsonl")
    docs, _ = load_corpus(REPO / "corpus")
    texts = {d.doc_id: squash(d.text) for d in docs}
    assert len(questions) == len({q.id for q in questions}) == 60
    assert Counter(q.kind for q in questions) == {"factual": 14, "paraphrase": 18, "casual": 8, "which-article": 4,
                                                  "unanswerable": 8, "near-miss": 8}
    assert all(q.answerable == (q.kind not in ("unanswerable", "near-miss")) for q in questions)
    answered_in = Counter()
    for q in questions:
        assert q.answerable == bool(q.answers) == bool(q.evidence), q.id
        assert all(any(squash(a) in squash(e) for e in q.evidence) for a in q.answers), q.id
        found = [{doc for doc, text in texts.items() if squash(evidence) in text} for evidence in q.evidence]
        assert all(found), q.id
        answered_in.update(set().union(*found))
    assert set(answered_in) == set(texts) and min(answered_in.values()) >= 7  # seven answerable per article at least
    others = [q for path in (REPO / "evals").glob("questions-*.jsonl") if path.name != "questions-test2.jsonl"
              for q in load_questions(path)]
    assert not {squash(q.question) for q in questions} & {squash(q.question) for q in others}
    assert not {q.id for q in questions} & {q.id for q in others}


def test_bad_question_file_names_the_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": 1, "question": "x", "answerable": true}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="q.jsonl:1"):
        load_questions(path)


def test_retrieval_harness_scores_a_small_set(index, embedder, tmp_path):
    path = tmp_path / "q.jsonl"
    rows = [{"id": "a", "question": "東京タワーの高さ", "answers": ["333"], "evidence": ["高さは333メートル"]},
            {"id": "b", "question": "清水寺の柱の数", "answers": ["139"], "evidence": ["139本の柱"]},
            {"id": "c", "question": "日本の首相は？", "answerable": False}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = evaluate_retrieval(Retriever(index, embedder), load_questions(path), modes=("hybrid", "lexical"))
    assert result["n_questions"] == 2
    assert result["rows"]["hybrid"]["hit@1"] == 1.0 and result["rows"]["hybrid"]["p50_ms"] > 0


def test_jsquad_harness_on_a_tiny_file(tmp_path, settings, embedder):
    data = {"data": [{"title": "東京", "paragraphs": [
        {"context": "東京タワー [SEP] 東京タワーは1958年に完成した。高さは333メートル。",
         "qas": [{"id": "q1", "question": "東京タワーの高さは？", "answers": [{"text": "333メートル"}]}]},
        {"context": "清水寺 [SEP] 清水寺の舞台は139本の柱で支えられている。",
         "qas": [{"id": "q2", "question": "清水寺の舞台を支える柱は何本？", "answers": [{"text": "139本"}]}]}]}]}
    path = tmp_path / "valid.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    documents, questions = load_jsquad(path)
    assert [d.title for d in documents] == ["東京タワー", "清水寺"] and questions[1].paragraph == 1
    from evals.jsquad import build_paragraph_index

    retriever = build_paragraph_index(documents, settings, embedder, tmp_path / "idx")
    result = jsquad_retrieval(retriever, documents, questions, modes=("hybrid",))
    assert result["rows"]["hybrid"]["hit@1"] == 1.0 and result["rows"]["hybrid"]["answer@1"] == 1.0


def test_a_context_without_a_title_mark_is_all_text_under_its_articles_title(tmp_path):
    # JaQuAD's contexts: no 「title [SEP]」, the title is the article's
    data = {"data": [{"title": "東京タワー", "paragraphs": [
        {"context": "1958年に完成した。高さは333メートル。",
         "qas": [{"id": "q1", "question": "高さは？", "answers": [{"text": "333メートル"}]}]}]}]}
    path = tmp_path / "train.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    documents, _ = load_jsquad(path)
    assert [(d.title, d.text) for d in documents] == [("東京タワー", "1958年に完成した。高さは333メートル。")]


def test_a_part_to_tune_on_leaves_out_the_reported_samples(tmp_path):
    data = {"data": [{"title": "数", "paragraphs": [
        {"context": f"数 [SEP] {n}は数である。", "qas": [{"id": f"q{n}", "question": f"{n}とは？", "answers": [{"text": "数"}]}]}
        for n in range(10)]}]}
    path = tmp_path / "valid.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reported = {q.id for seed in (1, 2) for q in load_jsquad(path, 3, seed=seed)[1]}
    documents, rest = load_jsquad(path, leave_out=(1, 2), leave_out_size=3)
    assert len(documents) == 10 and 4 <= len(rest) == 10 - len(reported)  # every paragraph is still indexed
    assert not reported & {q.id for q in rest}
    assert {q.id for q in load_jsquad(path, 2, seed=3, leave_out=(1, 2), leave_out_size=3)[1]} <= {q.id for q in rest}


def test_load_test_counts_every_answer_and_checks_who_got_it(index, embedder, settings):
    from evals import load
    from rag.answer import Answerer
    from rag.generate.extractive import ExtractiveGenerator
    from rag.retrieve import Retriever
    from rag.web import build_app

    from .live import serve_app

    settings = settings.replace(auth_header=load.USER_HEADER, rate_limit_per_minute=600, rate_limit_burst=20)
    questions = [Question("a", "東京タワーの高さは何メートル？", ["333"], ["333メートル"]),
                 Question("b", "清水寺の舞台を支える柱は何本？", ["139"], ["139本"])]
    with serve_app(build_app(Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings), settings)) as url:
        level = load.run_level(url, questions, users=3, duration_s=2.0, max_requests=12, timeout_s=60, app_pid=None)
    summary = load.summarize(level)
    assert summary["requests"] == summary["answered"] > 0 and {r.channel for r in level.requests} == {"api", "chat"}
    assert summary["lost"] == summary["errors"] == summary["crosswired"] == 0
    with pytest.raises(ValueError, match="only runs against this machine"):
        load.assert_loopback("http://10.0.0.5:7860")


def test_recorded_replies_stand_in_for_the_model(tmp_path):
    from evals.replay import RecordedGenerator
    from rag.prompt import Evidence, build_messages

    report = tmp_path / "answers.json"
    report.write_text(json.dumps({"rows": [{"question": "高さは？", "model_reply": "回答: 333メートルです。[1]"}]}),
                      encoding="utf-8")
    generator = RecordedGenerator.from_report(report)
    messages = build_messages("高さは？", [Evidence(1, "高さは333メートル。")])
    assert generator.complete(messages) == "回答: 333メートルです。[1]"
    with pytest.raises(KeyError):
        generator.complete(build_messages("幅は？", []))
    # a JSQuAD or JaQuAD answer report keeps its rows under "answers"
    nested = tmp_path / "jsquad.json"
    nested.write_text(json.dumps({"answers": {"rows": [{"question": "幅は？", "model_reply": "回答: 5メートル。"}]}}),
                      encoding="utf-8")
    assert RecordedGenerator.from_report(nested).complete(build_messages("幅は？", [])) == "回答: 5メートル。"


def test_a_replay_stands_behind_the_reader_as_the_model_does(tmp_path):
    from evals.replay import RecordedGenerator, replayed
    from rag.config import Settings
    from rag.generate.reader import ReaderFirst

    report = tmp_path / "answers.json"
    report.write_text(json.dumps({"rows": [{"question": "高さは？", "model_reply": "回答: 333メートルです。[1]"}]}),
                      encoding="utf-8")
    behind = replayed(report, Settings(reader_first_margin=5.0, reader_refuse_margin=7.0))
    assert isinstance(behind, ReaderFirst) and isinstance(behind.model, RecordedGenerator)
    assert (behind.min_margin, behind.refuse_margin) == (5.0, 7.0)
    assert isinstance(replayed(report, Settings(reader_first=False)), RecordedGenerator)


def test_table_row_evidence_and_unchecked_numbers():
    from evals.answers import unchecked_numbers
    from evals.metrics import evidence_in

    row = "区分: 大人、料金: 1,320円。"
    assert evidence_in("| 大人 | 1,320円 |", row) and evidence_in("大人,1320円", "区分: 大人、料金: 1320円。")
    assert not evidence_in("| 子ども | 1,320円 |", row) and not evidence_in("| 1,320円 | 大人 |", row)
    assert evidence_in("料金: 1,320円", row) and not evidence_in("料金: 660円", row)
    documents = ["大人の料金は1,320円です。"]
    assert unchecked_numbers("合計で2,640円です。(計算: 1,320円 × 2人 = 2,640円)[1]", "2人で？", documents) == []
    assert unchecked_numbers("合計で2,460円です。[1]", "2人で？", documents) == ["2460"]
    assert unchecked_numbers("1320円です。[1]", "大人は？", documents) == []


def test_a_conflict_is_named_when_each_source_value_is_said_in_one_of_its_spellings():
    from evals.answers import all_values_named

    q = Question("c1", "しおかぜ丸の定員は？", ["320名", "320人", "350名", "350人"],
                 ["(旅客定員320名)", "旅客定員は350名で"], kind="conflict")
    assert all_values_named(q, squash("資料によって記載が異なります。「旅客定員350名」…「旅客定員320名」"))
    assert not all_values_named(q, squash("350名です。"))
    hours = Question("c2", "何時まで？", ["午後10時", "22時", "23:00"], ["閉館は午後10時", "7:00～23:00"])
    assert all_values_named(hours, squash("午後10時と23:00"))  # 「22時」 is held by no source: a spelling only


@pytest.mark.parametrize("folder, name, size, unanswerable", [
    ("notices", "questions.jsonl", 56, 10), ("notices", "questions-nearmiss.jsonl", 40, 20),
    ("notices-dev", "questions.jsonl", 90, 32), ("notices-dev", "questions-2.jsonl", 40, 14)])
def test_non_news_question_sets_hold_their_evidence_in_their_corpus(folder, name, size, unanswerable):
    questions = load_questions(REPO / "evals" / folder / name)
    docs, _ = load_corpus(REPO / "evals" / folder / "corpus")
    raw = [squash((REPO / "evals" / folder / "corpus" / Path(d.source_file).name).read_text(encoding="utf-8"))
           for d in docs]
    texts = raw + [squash(d.text) for d in docs]
    assert len(questions) == size and sum(not q.answerable for q in questions) == unanswerable
    for q in questions:
        assert q.answerable == bool(q.answers), q.id
        for evidence in q.evidence:
            assert any(squash(evidence) in text for text in texts), (q.id, evidence)


def test_short_answer_harness_reads_each_gold_sentence(tmp_path):
    from evals.short_answer import run

    context = "耐性菌に効くものはヨーグルトを併用し除菌率が上がったとの報告がある。ピロリ菌は1983年に発見された。"
    qas = [("耐性菌に効くものは何ですか？", "ヨーグルト"), ("ピロリ菌が発見されたのはいつですか？", "1983年"),
           ("何が報告された？", "報告がある。ピロリ菌")]  # runs across a sentence end: left out
    data = {"data": [{"title": "t", "paragraphs": [{"context": context, "qas": [
        {"id": str(i), "question": q, "answers": [{"text": a, "answer_start": context.index(a)}]}
        for i, (q, a) in enumerate(qas)]}]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = run([path])
    assert out["n"] == 2
    assert out["readers"]["filled_part"] == {"exact_match": 1.0, "char_f1": 1.0}
    # the longest piece is the clause after the answer, and the date's sentence adds only the date
    assert out["readers"]["residue"]["exact_match"] == 0.5


def test_prefill_asks_each_questions_two_prompts_in_turn_on_one_generator(index, embedder, settings, monkeypatch):
    import itertools

    from evals import prefill
    from rag.answer import Answerer
    from rag.generate import Generator

    class Recording(Generator):
        name = "recording"

        def __init__(self):
            self.prompts = []

        def stream(self, messages, max_tokens=256, temperature=0.0):
            self.prompts.append(messages[-1]["content"])
            yield "回答"

    clock = itertools.count()  # each reading of the clock one second on: every first token takes 1 s
    monkeypatch.setattr(prefill.time, "perf_counter", lambda: float(next(clock)))
    generator, retriever = Recording(), Retriever(index, embedder)
    answerers = {"titles": Answerer(retriever, generator, settings),
                 "bare": Answerer(retriever, generator, settings.replace(evidence_titles=False))}
    result = prefill.compare_prefill(answerers, ["東京タワーの高さは？", "清水寺の舞台を支える柱は何本？", ""])
    titled = [p for p in generator.prompts if "【" in p]
    bare = [p for p in generator.prompts if "【" not in p]
    # the first question's titled prompt goes first, the second question's second; the empty question is not asked
    assert generator.prompts == [titled[0], bare[0], bare[1], titled[1]]
    assert result["titles"] == {"n": 2, "not_asked": 1, "prompt_chars_mean": sum(map(len, titled)) / 2,
                                "first_token_p50_s": 1.0, "first_token_p95_s": 1.0, "first_token_mean_s": 1.0}
    assert result["bare"]["prompt_chars_mean"] == sum(map(len, bare)) / 2


def test_timed_reports_name_the_cpu_and_its_flags(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 fma avx512f avx512_vnni\n"
                    "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 fma avx512f avx512_vnni\n",
                    encoding="utf-8")
    found = cpu(str(info))
    assert found["model"] == "AMD EPYC" and found["flags"] == ["avx2", "avx512f", "avx512_vnni"]
    assert describe_cpu(found).endswith("cores; flags avx2 avx512f avx512_vnni")
    bare = cpu(str(tmp_path / "none"))  # no /proc/cpuinfo (not Linux): the flags are unknown, not absent
    assert bare["flags"] is None and describe_cpu(bare).endswith("cores; flags unknown")
    (tmp_path / "old").write_text("processor\t: 0\nmodel name\t: Old\nflags\t\t: fpu sse4_2\n", encoding="utf-8")
    assert describe_cpu(cpu(str(tmp_path / "old"))).endswith("no AVX2 or AVX-512 flags")


def test_the_markdown_report_names_the_cpu_beside_the_timings(tmp_path):
    from evals.answers import write_markdown

    summary = {"answer_accuracy": 1.0, "quoted_sentence_correct": 0.0, "char_f1": 1.0, "citation_precision": 1.0,
               "refusal_rate_unanswerable": 1.0, "false_refusal_rate": 0.0, "first_answer_token_p50_s": 7.1}
    out = {"questions_file": "q.jsonl", "generator": "openvino/m.gguf", "n_questions": 1, "warm_up_s": 20.0,
           "cpu": {"model": "AMD EPYC", "cores": 2, "flags": ["avx2"], "load_average": [1.0]},
           "summary": summary, "by_kind": {}, "rows": []}
    text = write_markdown(out, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "CPU: AMD EPYC, 2 cores; flags avx2." in text.splitlines()


def test_a_corpus_the_index_was_not_built_from_is_refused_naming_index(tmp_path: Path, capsys):
    from evals.__main__ import main

    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text(json.dumps({"corpus_dir": str(tmp_path / "news")}), encoding="utf-8")
    (tmp_path / "rag.toml").write_text(f'index_dir = "{index}"\n', encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "n1", "question": "営業時間は？", "answers": ["9時"]}, ensure_ascii=False),
                         encoding="utf-8")
    code = main(["answers", "--questions", str(questions), "--corpus", str(tmp_path / "notices"),
                 "--config", str(tmp_path / "rag.toml"), "--out", str(tmp_path / "out.json")])
    assert code == 1
    assert capsys.readouterr().err == (f"error: the index in {index} was built from {tmp_path / 'news'}, not "
                                       f"{tmp_path / 'notices'}; index {tmp_path / 'notices'} into another folder "
                                       f"(--index), or delete {index} first to replace it\n")
    assert not (tmp_path / "out.json").exists()


def test_the_runs_with_a_step_switched_off_are_compared_question_by_question():
    from evals.steps import compare_runs

    def row(id_, answerable, correct, refused, answer="", citations=(), short_answer=""):
        return {"id": id_, "answerable": answerable, "correct": correct, "refused": refused, "answer": answer,
                "citations": list(citations), "short_answer": short_answer}

    shipped = [row("a", True, True, False, "333メートルです。"), row("b", True, False, True),
               row("c", False, False, True), row("d", False, False, False, "1958年です。"),
               row("e", True, True, False, "139本です。", ["k#1"]),
               row("f", True, True, False, "高さは333メートルです。", ["t#0"], "333メートル")]
    without = [row("a", True, False, True), row("b", True, True, False, "778年です。"),
               row("c", False, False, False, "333メートルです。"), row("d", False, False, True),
               row("e", True, True, False, "139本です。", ["k#1", "k#2"]),
               row("f", True, True, False, "高さは333メートルです。", ["t#0"], "高さは333メートル")]
    assert compare_runs(shipped, without) == {"changed": 6, "earns": 1, "costs": 1, "refuses": 1, "answers": 1}
    assert compare_runs(shipped, shipped) == {"changed": 0, "earns": 0, "costs": 0, "refuses": 0, "answers": 0}
    with pytest.raises(ValueError, match="not over the same questions"):
        compare_runs(shipped, without[::-1])


def test_each_step_of_verification_is_measured_switched_off_and_the_answerer_keeps_its_own(index, embedder, settings):
    from evals.replay import RecordedGenerator
    from evals.steps import StepEffects
    from rag.answer import Answerer

    replies = {"東京タワーの高さは何メートル？": "回答: 333メートルです。[1]\n要点: 333メートル",
               "東京スカイツリーの高さは何メートル？": "回答: 333メートルです。[1]\n要点: 333メートル",
               "東京タワーを設計したのはどこの会社？": "回答: 1958年です。[1]\n要点: 1958年"}
    answerer = Answerer(Retriever(index, embedder), RecordedGenerator(replies), settings.replace(reader_first=False))
    shipped = answerer.verify
    questions = [Question("a", "東京タワーの高さは何メートル？", ["333メートル"], ["高さは333メートル"]),
                 Question("b", "東京スカイツリーの高さは何メートル？", answerable=False),
                 Question("c", "東京タワーを設計したのはどこの会社？", answerable=False)]
    result = StepEffects(answerer, ["names_held", "asked_kind", "named_place"])(questions)
    figures = {"accuracy": 1.0, "false_ref": 0.0, "citations": 1.0}
    assert result["shipped"] == {**figures, "refusals": 1.0}
    unchanged = {"changed": 0, "earns": 0, "costs": 0, "refuses": 0, "answers": 0}
    # the name no article holds (スカイツリー), and a year given where a place is asked for, each refused by one step
    assert result["steps"] == {
        "names_held": {**unchanged, "changed": 1, "refuses": 1, **figures, "refusals": 0.5},
        "asked_kind": {**unchanged, "changed": 1, "refuses": 1, **figures, "refusals": 0.5},
        "named_place": {**unchanged, **figures, "refusals": 1.0}}
    assert answerer.verify is shipped and shipped.skip == frozenset()
    with pytest.raises(ValueError, match="unknown verification step"):
        StepEffects(answerer, ["names"])
    with pytest.raises(ValueError, match="name one or more verification steps"):
        StepEffects(answerer, [])
    assert StepEffects(answerer, "naming").steps == ["naming"]
    assert StepEffects(answerer, ["naming", "naming"]).steps == ["naming"]


def test_steps_and_answers_refuse_a_bad_step_or_report_before_loading_anything(tmp_path, capsys):
    from evals.__main__ import main

    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "a", "question": "東京タワーの高さは？", "answers": ["333メートル"],
                                     "evidence": ["高さは333メートル"]}, ensure_ascii=False), encoding="utf-8")
    report = tmp_path / "answers.json"
    report.write_text(json.dumps({"rows": [{"question": "清水寺はいつ開かれた？", "model_reply": "回答: 778年。"}]},
                                 ensure_ascii=False), encoding="utf-8")
    common = ["steps", "--questions", str(questions), "--replay", str(report), "--index", str(tmp_path / "none"),
              "--out", str(tmp_path / "steps.json")]
    assert main([*common, "--steps", "names_held,names"]) == 1
    assert capsys.readouterr().err.startswith(
        "error: --steps: unknown verification step(s) names; the steps are: computed_answer, ")
    assert main([*common, "--steps", ","]) == 1
    assert "--steps names no step" in capsys.readouterr().err
    assert main(common) == 1
    assert capsys.readouterr().err == (f"error: {report} records no reply to 1 question(s) of {questions}, the first "
                                       "'東京タワーの高さは？': give the report of a run over that question file\n")
    # a replay of the answers is checked the same way, before any question is answered
    assert main(["answers", *common[1:]]) == 1
    assert "records no reply to 1 question(s)" in capsys.readouterr().err
    report.write_text("{}", encoding="utf-8")
    assert main(common) == 1
    assert f"error: {report} is not an answer report" in capsys.readouterr().err
    assert not (tmp_path / "steps.json").exists()
