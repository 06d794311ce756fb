# Generated from wrapper/onedata_workflows/_async/__init__.py by tools/unasync.py; do not edit.
"""The clients' code as written: ``_async`` by hand, ``_sync`` generated from it.

``tools/unasync.py`` rewrites each module of ``_async`` into the same module of
``_sync``; ``make generate`` runs it and ``make test`` fails if the two differ.
"""

from ._client import WorkflowClient

__all__ = ["WorkflowClient"]
