"""Reference data the legal app starts with; migrations load it, and so do tests after a flush."""

# Regional extensions in force after the 2021 amendments of the provincial 人口与计划生育条例.
MATERNITY_EXTENSIONS = [
    ("11", "北京市", 60, "北京市人口与计划生育条例（2021年修正）"),
    ("31", "上海市", 60, "上海市人口与计划生育条例（2021年修正）"),
    ("44", "广东省", 80, "广东省人口与计划生育条例（2021年修正）"),
]


def seed_maternity(model) -> None:
    for prefix, region, days, source in MATERNITY_EXTENSIONS:
        model.objects.get_or_create(division_prefix=prefix, defaults={"region": region, "extra_days": days, "source": source})
