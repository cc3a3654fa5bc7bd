"""Where a division is: district centres (longitude, latitude) for division codes, and distances between points.

The centres come with the project (core/data/division_centres.tsv, derived from the MIT-licensed cpca dataset);
nothing is looked up over the network. A code without its own centre falls back to its city's, then province's.
"""

import functools
import math
from pathlib import Path

_FILE = Path(__file__).resolve().parent / "data" / "division_centres.tsv"
EARTH_KM = 6371.0


@functools.cache
def _centres() -> dict[str, tuple[float, float]]:
    centres = {}
    for line in _FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, lon, lat = line.split("\t")
        centres[code] = (float(lat), float(lon))
    return centres


def division_centre(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the division's centre, or of the nearest enclosing division that has one."""
    code = (code or "")[:6]
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        point = _centres().get(candidate)
        if point is not None:
            return point
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))
