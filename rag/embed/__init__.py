"""Embedding backends behind one interface, chosen by name."""

from .base import Embedder, EmbedderError
from .factory import create_embedder

__all__ = ["Embedder", "EmbedderError", "create_embedder"]
