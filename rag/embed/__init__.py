"""Embedding backends behind one interface, chosen by name."""

from ..errors import EmbedderError
from .base import Embedder
from .factory import create_embedder

__all__ = ["Embedder", "EmbedderError", "create_embedder"]
