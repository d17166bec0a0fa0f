"""Links in the staff app come from route names (url_for), never written out: only
security.PREFIX says where the app lives, and every route name used is a real route."""

from __future__ import annotations

import re
from pathlib import Path

from bot.web.app import create_app
from bot.web.staff.security import PREFIX

STAFF_DIR = Path(__file__).resolve().parents[2] / "bot" / "web" / "staff"
SOURCES = sorted(p for p in STAFF_DIR.rglob("*") if p.suffix in {".py", ".html", ".js", ".css"})
# A path written in a string, attribute or script ("/staff/cases", '/staff', `/staff?`), or one
# glued onto the prefix (f"{PREFIX}/alerts", PREFIX + "/alerts").
HARD_CODED = [re.compile(r"""["'`]/staff\b"""), re.compile(r"""PREFIX\}/|PREFIX \+ ["']/\w""")]
ROUTE_NAME = re.compile(r"""["'](staff_[a-z]+\.[a-z_]+)["']""")


def test_no_staff_path_is_written_out():
    assert SOURCES, STAFF_DIR
    found = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in HARD_CODED) and not line.startswith("PREFIX = "):
                found.append(f"{path.relative_to(STAFF_DIR)}:{number}: {line.strip()}")
    assert not found, "use url_for / url(...) instead:\n" + "\n".join(found)
    assert PREFIX == "/staff"


def test_the_check_catches_a_written_out_path():
    for line in ('<a href="/staff/cases/{{ r.id }}">', 'redirect(f"{PREFIX}/alerts")', "x = '/staff'"):
        assert any(p.search(line) for p in HARD_CODED), line
    assert not any(p.search('"""The staff web app under /staff/."""') for p in HARD_CODED)


def test_every_route_name_used_is_a_route():
    app = create_app("elpis_links_test")
    known = {route.name.split(".", 1)[1] for route in app.router.routes}
    used = {name for path in SOURCES for name in ROUTE_NAME.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 40, used  # the pattern still finds them
    assert not used - known, sorted(used - known)
