"""Typing is checked: `make test` runs mypy (configured in pyproject.toml) before pytest, and every
`type: ignore` in the library says why, so that none outlives its reason unnoticed."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cases", "docgen", "signing", "casedocs", "web")
_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")


def _unexplained_ignores() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                match = _IGNORE.search(line)
                if match is None:
                    continue
                reason_after = re.match(r"\s*#\s*\S", match.group("rest"))
                reason_above = number > 1 and lines[number - 2].strip().startswith("#")
                if not (reason_after or reason_above):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_every_type_ignore_in_the_library_gives_its_reason_in_a_comment() -> None:
    assert _unexplained_ignores() == []


def test_the_test_command_runs_mypy_before_pytest() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest:", 1)[1]
    assert "mypy" in test_recipe.split("pytest", 1)[0]
