"""The regions' thresholds a fresh database starts with: the national default and a few provinces and cities.
Illustrative 低保 lines; set the real ones at /admin/aid/regionrule/. Used by the migration and by the demo
(a test that flushes the database removes migration data, so the demo puts them back)."""

from decimal import Decimal

REGIONS = [
    ("", "全国（默认）", "800.00"),
    ("11", "北京市", "1450.00"),
    ("31", "上海市", "1510.00"),
    ("32", "江苏省", "1000.00"),
    ("3205", "苏州市", "1245.00"),
    ("3201", "南京市", "1180.00"),
    ("44", "广东省", "1000.00"),
]


def seed_regions(region_model) -> int:
    """Create the rules that are missing (existing ones, possibly edited by staff, are left alone)."""
    created = 0
    for prefix, name, dibao in REGIONS:
        _, was_created = region_model.objects.get_or_create(
            division_prefix=prefix, defaults={"name": name, "dibao_monthly": Decimal(dibao), "approval_level": 3})
        created += was_created
    return created
