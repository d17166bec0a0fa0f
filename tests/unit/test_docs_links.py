"""The README and docs/ stay true to the tree: links resolve, the two commands come first,
the "where things are" table names paths that exist, and every setting is documented."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]

FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """The page without code, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"#{1,6}\s+(.*)", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(prose(page.read_text(encoding="utf-8"))) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_there_are_pages_and_links():
    assert len(PAGES) > 3
    assert relative_links(README), "the README links to docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_points_at_something_that_exists(page: Path):
    broken = []
    for target in relative_links(page):
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: no heading #{anchor} in {dest.relative_to(REPO)}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M)
    assert first_block, "README.md has no code block"
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert "make run" in commands and "make test" in commands
    assert first_block.start() < text.find("\n## "), "the two commands come before any section"


def test_every_path_in_where_things_are_exists():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "no table under 'Where things are'"
    missing = []
    for row in rows:
        first_cell = row.split(" | ")[0]
        for path in re.findall(r"`([^`]+)`", first_cell):
            if path in ("var/", "models/", "reports/"):  # made by `make`, not in git
                continue
            if not glob.glob(str(REPO / path)):
                missing.append(path)
    assert not missing, f"README 'Where things are' names paths that do not exist: {missing}"


def setting_variables() -> dict[str, set[str]]:
    """Each field of `Settings` -> the variable names it is read from (lower case)."""
    from bot.settings import Settings

    fields = getattr(Settings, "__fields__", None)
    if fields:  # pydantic BaseSettings
        return {name: set(f.field_info.extra["env_names"]) for name, f in fields.items()}
    # A plain dataclass read by load_settings(): the names written in its source.
    source = (REPO / "bot" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:ELPIS|TWILIO)_[A-Z0-9_]+|DATABASE_URL)"', source))
    return {name: {name.lower()} for name in names}


def test_every_setting_is_in_the_configuration_page():
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = {name.lower() for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", page)}
    missing = sorted(
        f"{field} ({'/'.join(sorted(names))})" for field, names in setting_variables().items() if not names & documented
    )
    assert len(setting_variables()) > 40
    assert not missing, f"docs/configuration.md lacks the variable of: {missing}"
