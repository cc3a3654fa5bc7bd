"""Regenerate zhijia/core/data/divisions.tsv (GB/T 2260 codes) from python-stdnum's loc.dat.

Each output row: code, full name (province/city/county), whether the code is in use today.
Run after upgrading python-stdnum: `.venv/bin/python tools/build_divisions.py`.
"""

import re
from pathlib import Path

import stdnum.cn

SOURCE = Path(stdnum.cn.__file__).parent / "loc.dat"
TARGET = Path(__file__).resolve().parent.parent / "zhijia" / "core" / "data" / "divisions.tsv"
VALUE = re.compile(r'(?:province|county)="([^"]*)"')
PART = re.compile(r"(?:\[(\d*)-(\d*)\])?(.*)")


def main() -> None:
    rows: dict[str, tuple[str, bool]] = {}
    province_code = province_name = ""
    city_name = ""
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = VALUE.search(line)
        if not match:
            continue
        # A reused code lists every name it has had, oldest first: the last one is the newest.
        _start, end, name = PART.fullmatch(match.group(1).split(",")[-1]).groups()
        current = end in (None, "")
        if not line.startswith(" "):
            province_code = line.split()[0]
            province_name = name
            rows[province_code + "0000"] = (province_name, True)
            continue
        suffix = line.split()[0]
        code = province_code + suffix
        if suffix == "0000":
            continue
        if suffix.endswith("00"):
            city_name = name
            full = f"{province_name}{name}"
        else:
            city = rows.get(code[:4] + "00")
            parent = city_name if city and city[0].endswith(city_name) else ""
            full = f"{province_name}{parent if parent not in ('市辖区', '县') else ''}{name}"
        # A code reused over time keeps the newest (current) name.
        if code not in rows or current:
            rows[code] = (full, current)
    lines = [f"{code}\t{name}\t{int(current)}" for code, (name, current) in sorted(rows.items())]
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} codes to {TARGET}")


if __name__ == "__main__":
    main()
