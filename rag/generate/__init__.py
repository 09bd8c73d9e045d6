"""Text generators behind one streaming interface, chosen by name."""

from .base import Generator
from .factory import GENERATORS, create_generator

__all__ = ["GENERATORS", "Generator", "create_generator"]
