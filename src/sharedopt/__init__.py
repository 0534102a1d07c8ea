"""sharedopt: shared-services opportunity optimiser for local government."""

__version__ = "0.1.0"
