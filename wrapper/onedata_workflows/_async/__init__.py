"""The clients' code as written: ``_async`` by hand, ``_sync`` generated from it.

``tools/unasync.py`` rewrites each module of ``_async`` into the same module of
``_sync``; ``make generate`` runs it and ``make test`` fails if the two differ.
"""

from ._client import AsyncWorkflowClient

__all__ = ["AsyncWorkflowClient"]
