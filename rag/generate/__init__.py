"""Text generators behind one streaming interface, chosen by name."""

from .base import Generator, started_reply
from .factory import GENERATORS, create_generator

__all__ = ["GENERATORS", "Generator", "create_generator", "started_reply"]
