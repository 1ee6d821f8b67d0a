"""The EXIF summary a photo carries in the API: camera, exposure, GPS, when it was taken.

Every value is attacker-controlled, so each key is read on its own and dropped when it
is malformed; what comes out is JSON-safe.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import Image


def read_exif(img: Image.Image) -> tuple[dict[str, Any], datetime | None]:
    """JSON-safe summary of the EXIF block; malformed data only costs the affected keys."""
    base = _guard(img.getexif)
    if base is None:
        return {}, None
    sub = _guard(lambda: dict(base.get_ifd(0x8769))) or {}
    gps = _guard(lambda: dict(base.get_ifd(0x8825))) or {}
    fields: dict[str, Callable[[], Any]] = {
        "camera": lambda: camera_name(_text(base.get(0x010F)), _text(base.get(0x0110))),
        "lens": lambda: _text(sub.get(0xA434)),
        "exposureTime": lambda: _exposure(_float(sub.get(0x829A))),
        "fNumber": lambda: _positive(sub.get(0x829D)),
        "iso": lambda: int(v) if (v := _positive(sub.get(0x8827))) else None,
        "focalLength": lambda: _positive(sub.get(0x920A)),
        "orientation": lambda: base.get(0x0112) if base.get(0x0112) in range(1, 9) else None,
        "gps": lambda: _gps(gps),
    }
    out = {key: value for key, read in fields.items() if (value := _guard(read)) is not None}
    local = _guard(lambda: _taken_at(base, sub))
    if local is None:
        return out, None
    out["takenAt"] = local.isoformat()
    # EXIF often carries no offset; such wall-clock times are taken as UTC to stay comparable.
    return out, local if local.tzinfo else local.replace(tzinfo=UTC)


def _guard(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except Exception:  # EXIF is attacker-controlled; any surprise just drops the value
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value[:128] or None


def _float(value: Any) -> float | None:
    if isinstance(value, tuple) and value:  # multi-valued tags (e.g. ISO): the first counts
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)  # IFDRational with a zero denominator becomes NaN here
    return number if math.isfinite(number) else None


def _positive(value: Any) -> float | None:
    number = _float(value)
    return round(number, 2) if number is not None and number > 0 else None


def camera_name(make: str | None, model: str | None) -> str | None:
    if make and model and model.lower().startswith(make.lower()):
        return model  # "Canon" + "Canon EOS R5" should not read "Canon Canon EOS R5"
    return " ".join(part for part in (make, model) if part) or None


def _exposure(seconds: float | None) -> str | None:
    if seconds is None or seconds <= 0:
        return None
    if seconds < 1:
        denominator = round(1 / seconds)
        if denominator > 1 and abs(1 / denominator - seconds) <= seconds * 0.02:
            return f"1/{denominator}"
    return f"{round(seconds, 4):g}"


_STAMP = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def _taken_at(base: Image.Exif, sub: dict[int, Any]) -> datetime | None:
    # DateTimeOriginal pairs with OffsetTimeOriginal, the IFD0 DateTime with OffsetTime.
    for stamp, offset in ((sub.get(0x9003), sub.get(0x9011)), (base.get(0x0132), sub.get(0x9010))):
        match = _STAMP.match(_text(stamp) or "")
        try:
            local = datetime(*(int(part) for part in match.groups())) if match else None
        except ValueError:  # "0000:00:00 00:00:00" and friends
            local = None
        if local is None:
            continue
        if zone := _OFFSET.fullmatch(_text(offset) or ""):
            delta = timedelta(hours=int(zone[2]), minutes=int(zone[3]))
            if delta < timedelta(hours=24):
                local = local.replace(tzinfo=timezone(-delta if zone[1] == "-" else delta))
        return local
    return None


def _degrees(dms: Any, ref: Any, negative: str, limit: int) -> float | None:
    parts = [_float(part) for part in (dms if isinstance(dms, tuple) else (dms,))][:3]
    if not parts or any(part is None or part < 0 for part in parts):
        return None
    value = sum(part / 60**index for index, part in enumerate(parts))  # type: ignore[operator]
    if value > limit:
        return None
    return round(-value if (_text(ref) or "").upper() == negative else value, 7)


def _gps(gps: dict[int, Any]) -> dict[str, float] | None:
    latitude = _degrees(gps.get(2), gps.get(1), "S", 90)
    longitude = _degrees(gps.get(4), gps.get(3), "W", 180)
    if latitude is None or longitude is None:
        return None
    out = {"latitude": latitude, "longitude": longitude}
    if (altitude := _float(gps.get(6))) is not None:
        below_sea = gps.get(5) in (1, b"\x01")
        out["altitude"] = round(-altitude if below_sea else altitude, 2)
    return out
