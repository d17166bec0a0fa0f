"""Find an event's class by its name from a table, not by walking every subclass.

Rasa 3.6 walks all subclasses of Event for every event it reads back from the
tracker store, every turn: about 14% of the Rasa process's CPU in our
conversations (py-spy, `make bench`). The table is filled from that same walk
on first use of each name, so an event class defined later is still found.

Installed from bot/rasa_components/__init__.py.
"""

from __future__ import annotations

from typing import Optional, Type

from rasa.shared.core import events

_original = events.Event.resolve_by_type
_found: dict[str, Type[events.Event]] = {}


def resolve_by_type(type_name: str, default: Optional[Type[events.Event]] = None) -> Optional[Type[events.Event]]:
    cls = _found.get(type_name)
    if cls is not None:
        return cls
    cls = _original(type_name, default)  # raises for an unknown name, as before
    if cls is not None and cls is not default:
        _found[type_name] = cls
    return cls


def install() -> None:
    events.Event.resolve_by_type = staticmethod(resolve_by_type)
