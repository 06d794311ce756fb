"""The README's example tests are files of this suite, word for word, so they cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {"tests/test_readme_example_sync.py", "tests/test_readme_example_async.py"}
# An example is a python block right after a comment that names its file.
EXAMPLE = re.compile(r"<!-- (tests/\w+\.py) -->\n```python\n(.*?)```", re.DOTALL)


def test_the_readme_shows_each_example_test_as_it_is_run() -> None:
    shown = dict(EXAMPLE.findall((ROOT / "README.md").read_text()))
    assert set(shown) == EXAMPLES
    for path, code in shown.items():
        assert code == (ROOT / path).read_text(), f"{path} differs from the README"
