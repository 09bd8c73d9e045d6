"""Japanese question answering over a folder of articles, with cited passages."""

__version__ = "0.1.0"
