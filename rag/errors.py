"""Errors a user can act on; each message says what went wrong and what to do."""


class RagError(Exception):
    """Base of every error that is shown to the user as a message rather than a traceback."""


class ConfigError(RagError, ValueError):
    """A setting has a value of the wrong type or an unknown name."""


class CorpusError(RagError):
    """The corpus folder is missing or holds no usable article."""


class IndexUnavailable(RagError):
    """The index is missing, damaged, or was built for other settings."""


class StoreUnavailable(RagError):
    """The vector store (a Qdrant server or local folder) cannot be reached or opened."""


class EmbedderError(RagError):
    """An embedding model could not be loaded or used."""


class ModelFileError(RagError):
    """A generator model file is missing, incomplete or does not match its checksum."""


class GeneratorError(RagError):
    """The generator failed or could not be reached."""


USER_ERRORS = (RagError,)


class Busy(RagError):
    """Too many questions are already waiting; the caller should try again shortly."""


class UnreadableDocument(RagError, ValueError):
    """A file that cannot become an article: str() says why in English (CLI, logs), `message_ja` for the page."""

    def __init__(self, reason: str, message_ja: str):
        super().__init__(reason)
        self.message_ja = message_ja
