"""Time to the model's first token for two settings of the prompt, on the same questions and the same generator.

What the model reads per question is read before any word of the answer appears, so a change to the evidence (its
budget, its title lines, the number of passages) shows here first. The two prompts of each question are read one
right after the other, the first of them alternating, so that a machine slower in one minute than in the next weighs
on both alike: runs an hour apart on a shared 2-core machine differ by more than such a change.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable

from tqdm import tqdm

from rag.answer import Answerer
from rag.generate import Generator, started_reply

from .metrics import latency_summary

# What the second prompt may change: the settings the Answerer reads to make a question's prompt. Both prompts go
# to one generator over one index, so a setting of those would not be compared.
PROMPT_SETTINGS = ("answer_passages", "evidence_chars", "evidence_titles", "max_question_chars", "min_evidence",
                   "min_evidence_coverage", "top_k")


def first_token_s(generator: Generator, messages: list[dict]) -> float:
    """Seconds until the generator streams its first piece of text for `messages`, asked for one token. The stream
    is read to its end: an engine on its own thread is done with the request before the next one, or the exit."""
    started = time.perf_counter()
    first = None
    for _ in generator.stream(messages, 1, 0.0):
        if first is None:
            first = time.perf_counter() - started
    return time.perf_counter() - started if first is None else first


def compare_prefill(answerers: dict[str, Answerer], questions: Iterable[str]) -> dict[str, dict[str, float]]:
    """Per named Answerer (all sharing one generator): mean characters of the prompt's question message and time to
    the first token (p50, p95, mean) over `questions`, each question's prompts asked in turn (`Answerer.prepare`
    makes them as a user's question gets them). A question that an Answerer asks the model nothing about (weak
    retrieval, or evidence saying too little of it) is counted under "not_asked" and timed for neither."""
    names = list(answerers)
    chars: dict[str, list[int]] = {name: [] for name in names}
    seconds: dict[str, list[float]] = {name: [] for name in names}
    not_asked = 0
    for i, question in enumerate(tqdm(list(questions), desc="first tokens", unit="q")):
        prompts = {name: answerers[name].prepare(question).messages for name in names}
        if any(messages is None for messages in prompts.values()):
            not_asked += 1
            continue
        for name in names if i % 2 == 0 else names[::-1]:
            chars[name].append(len(started_reply(prompts[name])[0][-1]["content"]))  # the question's message
            seconds[name].append(first_token_s(answerers[name].generator, prompts[name]))
    out = {}
    for name in names:
        latency = latency_summary(seconds[name])
        out[name] = {"n": len(seconds[name]), "not_asked": not_asked,
                     "prompt_chars_mean": round(statistics.fmean(chars[name]), 1) if chars[name] else 0.0,
                     "first_token_p50_s": round(latency["p50_ms"] / 1000, 2),
                     "first_token_p95_s": round(latency["p95_ms"] / 1000, 2),
                     "first_token_mean_s": round(statistics.fmean(seconds[name]), 2) if seconds[name] else 0.0}
    return out
