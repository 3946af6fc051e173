"""Typed condition values: numbers, dates, booleans, IP addresses and networks, base64 binaries.

Used by the parser (to reject a malformed policy value with its position) and by the evaluator (to
interpret request values); no Z3 here.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import ipaddress
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_EPOCH = re.compile(r"^\d+(?:\.\d+)?$")
_W3C_DATE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)


def parse_number(text: str) -> Decimal | None:
    """An integer or decimal number; None if `text` is not one."""
    if not _NUMBER.match(text.strip()):
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def parse_date(text: str) -> Decimal | None:
    """Seconds since the epoch for an ISO 8601 (W3C profile) date or an epoch-seconds number.

    All-digit strings are epoch seconds. A date-time without a zone designator is read as UTC.
    """
    text = text.strip()
    if _EPOCH.match(text):
        return Decimal(text)
    match = _W3C_DATE.match(text)
    if match is None or (match.group(4) is not None and match.group(3) is None):
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    seconds = Decimal(calendar.timegm(moment.timetuple()))
    if fraction:
        seconds += Decimal(fraction)
    return seconds - _zone_offset(zone)


def _zone_offset(zone: str | None) -> Decimal:
    if zone is None or zone == "Z":
        return Decimal(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return Decimal(sign * int(offset.total_seconds()))


def format_epoch(seconds: Decimal) -> str:
    """ISO 8601 UTC rendering of epoch seconds (for witnesses and messages)."""
    moment = datetime.fromtimestamp(int(seconds), tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def parse_network(text: str) -> IpNetwork | None:
    """A CIDR block; a bare address is /32 (IPv4) or /128 (IPv6). Host bits may be set."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def parse_address(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def parse_binary(text: str) -> bytes | None:
    """Strict base64; None if `text` is not valid base64."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
