"""The union organization tree: 全国总工会 → 省 → 地市 → 县 → 基层, and the kinds beside them."""

from django.db import models


class Level(models.IntegerChoices):
    NATIONAL = 0, "全国"
    PROVINCIAL = 1, "省级"
    CITY = 2, "地市级"
    COUNTY = 3, "县级"
    GRASSROOTS = 4, "基层"


class Kind(models.TextChoices):
    FEDERATION = "federation", "地方总工会"
    ENTERPRISE = "enterprise", "企业工会"
    INSTITUTION = "institution", "机关事业单位工会"
    INDUSTRY = "industry", "产业工会"
    REGIONAL_FEDERATION = "regional_federation", "区域性工会联合会"
    SECTOR_FEDERATION = "sector_federation", "行业性工会联合会"
    PARK = "park", "园区工会"
    TOWNSHIP = "township", "乡镇(街道)工会"
    COMMUNITY = "community", "村(社区)工会"


# Kinds a worker without an employer union (新就业形态, flexible work) can apply to.
OPEN_KINDS = {Kind.REGIONAL_FEDERATION, Kind.SECTOR_FEDERATION, Kind.PARK, Kind.TOWNSHIP, Kind.COMMUNITY}
# Kinds that hold members directly (federations only supervise).
MEMBER_KINDS = {Kind.ENTERPRISE, Kind.INSTITUTION, *OPEN_KINDS}


class Status(models.TextChoices):
    ACTIVE = "active", "正常"
    PREPARING = "preparing", "筹建中"
    DISSOLVED = "dissolved", "已撤销"


class Union(models.Model):
    """A union in the tree.

    Invariants: `path` is the parent's path plus "<id>/" (root: "/<id>/"), `depth` is the number of
    ancestors, and `province_id` is the id of the provincial-level ancestor (or self), null above it.
    Subtree queries are `path LIKE '<path>%'` on an indexed column; union_move keeps all three
    consistent for every descendant in one statement.
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级工会", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    province_id = models.BigIntegerField(null=True, blank=True, editable=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    division_code = models.CharField("行政区划代码", max_length=6)
    address = models.CharField("地址", max_length=200, blank=True)
    chair_name = models.CharField("主席", max_length=50, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工会"
        verbose_name_plural = "工会"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="union_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["division_code"], name="union_division_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["province_id", "level"], name="union_province_level_idx"),
            models.Index(fields=["name"], name="union_name_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def accepts_members(self) -> bool:
        return self.status == Status.ACTIVE and self.kind in MEMBER_KINDS

    @property
    def open_to_flexible_workers(self) -> bool:
        return self.status == Status.ACTIVE and self.kind in OPEN_KINDS

    @property
    def division_name(self) -> str:
        from zhijia.core.validators import division_name

        return division_name(self.division_code)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        return Union.objects.filter(id__in=self.ancestor_ids()[:-1]).order_by("depth")

    def is_descendant_of(self, other: "Union") -> bool:
        return self.path.startswith(other.path)
