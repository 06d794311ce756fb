"""Drive Onedata automation workflow executions from Python."""

from importlib.metadata import version as _version

__version__ = _version("onedata-workflows")

__all__ = ["__version__"]
