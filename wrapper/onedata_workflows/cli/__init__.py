"""The ``onedata-workflows`` command: every operation, waiting with live progress, ``make demo``.

``_parser`` declares the arguments, ``_commands`` runs each subcommand, ``_exits``
turns errors into exit codes and one-line messages, ``_display`` writes executions
as text, ``_output`` and ``_live`` show them (live on a terminal, with rich from the
``cli`` extra), ``_demo`` tells the story of ``make demo``, and ``_main`` ties them
together. Nothing here is imported by the library itself.
"""

from ._exits import ExitCode, exit_code
from ._main import main

__all__ = ["ExitCode", "exit_code", "main"]
