"""Settings: defaults, then file, then environment, then flags."""

import pytest

from rag.config import Settings, load_settings
from rag.errors import ConfigError


def test_layers_override_in_order(tmp_path):
    config = tmp_path / "rag.toml"
    config.write_text('top_k = 7\nport = 9000\ngenerator = "openai"\n', encoding="utf-8")
    settings = load_settings(config, env={"RAG_PORT": "9100", "RAG_DENSE_WEIGHT": "0.5"}, generator="extractive",
                             top_k=None)
    assert (settings.top_k, settings.port, settings.dense_weight, settings.generator) == (7, 9100, 0.5, "extractive")
    assert load_settings(env={}).top_k == Settings().top_k


def test_bad_values_are_explained(tmp_path):
    with pytest.raises(ConfigError, match="port"):
        load_settings(env={"RAG_PORT": "eighty"})
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'red'\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(bad, env={})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", env={})


def test_describe_lists_every_setting():
    text = Settings().describe()
    assert "corpus_dir = 'corpus'" in text and "generator = 'auto'" in text


def test_safe_defaults_and_secrets_kept_out_of_the_log():
    defaults = Settings()
    assert defaults.host == "127.0.0.1" and defaults.allowed_origins == "" and not defaults.auth_token
    text = load_settings(env={"RAG_AUTH_TOKEN": "s3cret-token"}).describe()
    assert "s3cret-token" not in text and "auth_token = '(set)'" in text
