"""One real answerer (bundled Qwen2.5 model, real corpus) shared by the integration tests."""

import pytest

from rag.config import Settings
from rag.service import open_answerer

from ..conftest import REPO


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("real")
    return Settings(corpus_dir=str(REPO / "corpus"), index_dir=str(folder / "index"),
                    feedback_path=str(folder / "feedback.jsonl"))


@pytest.fixture(scope="session")
def answerer(real_settings):
    return open_answerer(real_settings, progress=False)
