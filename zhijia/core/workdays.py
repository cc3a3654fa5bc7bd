"""Working days on the Chinese calendar: weekends off, public holidays off, 调休 weekend workdays on.

Deadlines elsewhere (ticket handling, appeals) are counted with these functions; the exceptions are
rows of CalendarDay, so a new year's arrangement is data, not code.
"""

import datetime

from .models import CalendarDay, CalendarDayKind

# Enough to cover any deadline counted in working days (about a year and a half of calendar days).
_WINDOW_DAYS = 550


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def _is_working(day: datetime.date, exceptions: dict[datetime.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: datetime.date) -> bool:
    return _is_working(day, _exceptions(day, day))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted). days=0 returns start."""
    if days < 0:
        raise ValueError("days must not be negative")
    exceptions = _exceptions(start, start + datetime.timedelta(days=_WINDOW_DAYS))
    day, remaining = start, days
    while remaining:
        day += datetime.timedelta(days=1)
        if day - start > datetime.timedelta(days=_WINDOW_DAYS):
            exceptions.update(_exceptions(day, day + datetime.timedelta(days=_WINDOW_DAYS)))
            start = day
        if _is_working(day, exceptions):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += _is_working(day, exceptions)
    return count
