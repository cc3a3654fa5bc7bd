"""Which region's thresholds apply: the RegionRule with the longest division-code prefix of the union's code."""

from decimal import Decimal

from ..models import RegionRule

# Used only when no rule exists at all (a fresh database before migrations seed one).
FALLBACK = RegionRule(division_prefix="", name="全国", dibao_monthly=Decimal("800.00"), relative_multiple=Decimal(2),
                      accident_ratio=Decimal("0.80"), approval_level=3, notice_days=5, extra_rules=[])


def rule_for(division_code: str) -> RegionRule:
    code = division_code or ""
    prefixes = {code[:n] for n in (6, 4, 2, 0)}
    rules = sorted(RegionRule.objects.filter(division_prefix__in=prefixes), key=lambda r: len(r.division_prefix),
                   reverse=True)
    return rules[0] if rules else FALLBACK
