"""The ``onedata-workflows`` command: every operation, waiting with live progress, ``make demo``.

``_main`` parses arguments and runs subcommands, ``_display`` shows executions to
people, ``_demo`` tells the story of ``make demo``. Nothing here is imported by the
library itself.
"""

from ._main import exit_code, main

__all__ = ["exit_code", "main"]
