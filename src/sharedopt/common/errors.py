"""Exceptions raised by sharedopt, each carrying a message an analyst can act on."""


class SharedoptError(Exception):
    """Base class for every error sharedopt raises on purpose.

    ``setting`` is the config key the problem comes from, as a path such as
    ``("region", "name")``, when the raiser knows it: a caller that has the config
    then names its file and line (:func:`sharedopt.pipeline.references.at_setting`).
    """

    def __init__(self, *args, setting: tuple[str, ...] | None = None):
        super().__init__(*args)
        self.setting = setting


class DataError(SharedoptError, ValueError):
    """Bad or missing input data: the message names the file, row/code, field and the fix."""


class ConfigError(SharedoptError, ValueError):
    """A configuration that cannot be run: the message names the key and the fix."""


class OutputError(SharedoptError, FileExistsError):
    """An output folder that cannot be written or must not be replaced: the message names it and the fix."""
