"""Opening the index and models the way the CLI and the app need them: building or updating when stale."""

from __future__ import annotations

import logging
from pathlib import Path

from .config import Settings
from .embed import Embedder, create_embedder
from .errors import IndexUnavailable
from .index import Index, update_index
from .retrieve import Retriever

log = logging.getLogger(__name__)


def open_embedder(settings: Settings) -> Embedder:
    http_options = {}
    if settings.embedder == "openai":
        from .embed.openai_http import from_environment

        http_options = {"base_url": settings.embedder_base_url, "api_key": from_environment(settings.embedder_api_key_env),
                        "batch_size": settings.embedder_batch_size, "timeout_s": settings.embedder_timeout_s,
                        "retries": settings.embedder_retries}
    return create_embedder(settings.embedder, settings.embedder_model, settings.query_prefix,
                           settings.passage_prefix, settings.threads or None, **http_options)


def index_corpus(index: Index, settings: Settings) -> Path | None:
    """The corpus this index follows: the one it was built from (never another, which would overwrite it), or
    settings.corpus_dir for an index that records none; None when that folder is not there to compare with."""
    recorded = index.corpus_dir
    if recorded is not None and "corpus_dir" in index.manifest:
        if Path(recorded).resolve() != Path(settings.corpus_dir).resolve():
            log.warning("the index in %s was built from %s, not %s: following %s (index %s into another --index "
                        "folder to search it)", index.path, recorded, settings.corpus_dir, recorded,
                        settings.corpus_dir)
        return Path(recorded) if Path(recorded).is_dir() else None
    if index.manifest.get("corpus_dir", "") is None:  # built from documents handed over, e.g. an upload page
        return None
    return Path(settings.corpus_dir) if Path(settings.corpus_dir).is_dir() else None


def open_index(settings: Settings, embedder: Embedder, rebuild_if_stale: bool = True,
               progress: bool = True) -> Index:
    """The index for these settings: loaded, built when missing or damaged, or updated when stale.

    An update re-embeds only the documents that changed, from the corpus the index was built from.
    """
    try:
        index = Index.load(settings.index_dir, settings)
        reasons = index.stale_reasons(settings, embedder, index_corpus(index, settings))
    except IndexUnavailable as exc:
        if not rebuild_if_stale:
            raise
        log.warning("%s; building it now", exc)
        return update_index(settings, embedder, progress=progress)[0]
    if reasons:
        if not rebuild_if_stale:
            raise IndexUnavailable(f"the index in {settings.index_dir} is stale ({'; '.join(reasons)}); "
                                   "rebuild it with `python -m rag index`")
        log.warning("index is stale (%s); updating", "; ".join(reasons))
        return update_index(settings, embedder, progress=progress)[0]
    return index


def open_retriever(settings: Settings, progress: bool = True) -> Retriever:
    embedder = open_embedder(settings)
    return Retriever(open_index(settings, embedder, progress=progress), embedder, settings.dense_weight,
                     settings.candidates, settings.lexical_max_df)


def open_answerer(settings: Settings, retriever: Retriever | None = None, progress: bool = True):
    """Retriever plus generator; the generator loads once (the bundled model is assembled on first use)."""
    from .answer import Answerer
    from .generate import create_generator

    retriever = retriever or open_retriever(settings, progress=progress)
    return Answerer(retriever, create_generator(settings), settings)
