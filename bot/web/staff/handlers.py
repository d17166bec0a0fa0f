"""What most staff handlers do: load what the page names or answer 404, run a change in
the database, then 303 to a page named by its route (with ?ok=<code> for the flash)."""

from __future__ import annotations

from sanic import response
from sanic.exceptions import NotFound

from bot.db.session import run_db


class Missing(NotFound):
    """What the page names is not there: a 404 page that says what ("That case was not found.")."""

    def __init__(self, what: str):
        super().__init__(f"That {what} was not found.")


def see_other(request, route: str, **parts):
    """303 to a staff page by route name: parts fill its path, the rest is the query (ok=... shows a flash)."""
    return response.redirect(request.app.url_for(route, **parts), status=303)


async def load_or_404(what: str, load, *args):
    """`load(*args)` off the event loop; None means it is not there: a 404 naming `what`."""
    found = await run_db(load, *args)
    if found is None:
        raise Missing(what)
    return found


async def act(request, what: str, change, *args, then: str, **parts):
    """Run `change(*args)` off the event loop, then 303 to the page `then` (see_other).
    A LookupError from it means `what` is not there: 404. Other errors are the caller's to show."""
    try:
        await run_db(change, *args)
    except LookupError:
        raise Missing(what) from None
    return see_other(request, then, **parts)
