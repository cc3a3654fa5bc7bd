"""Working days: weekends off, public holidays off, 调休 weekend workdays on — all from data staff can edit."""

import datetime

from django.test import Client

from zhijia.core.models import CalendarDay, CalendarDayKind
from zhijia.core.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_calendar_is_seeded_with_holidays_and_adjusted_workdays(calendar):
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    # Sunday 2026-09-20 is a 调休 workday before the National Day week
    assert CalendarDay.objects.get(date=D(2026, 9, 20)).kind == CalendarDayKind.WORKDAY


def test_weekdays_weekends_holidays_and_adjusted_workdays(calendar):
    assert is_working_day(D(2026, 11, 23))  # a Monday
    assert not is_working_day(D(2026, 11, 22))  # a Sunday
    assert not is_working_day(D(2026, 10, 1))  # National Day, a Thursday
    assert is_working_day(D(2026, 9, 20))  # 调休: a Sunday worked


def test_adding_working_days_skips_the_national_day_week(calendar):
    # Wednesday 30 September + 1 working day: 1–7 October are off, so Thursday 8 October
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # over an ordinary weekend: Friday + 1 = Monday
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)
    assert add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)
    # 15 working days is three ordinary weeks
    assert add_working_days(D(2026, 11, 2), 15) == D(2026, 11, 23)


def test_staff_edits_change_the_count(calendar):
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)
    CalendarDay.objects.create(date=D(2027, 3, 8), kind=CalendarDayKind.HOLIDAY, name="临时休假")
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 9)


def test_working_days_between_counts_after_start_through_end(calendar):
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 20)) == 0
    assert working_days_between(D(2026, 11, 16), D(2026, 11, 23)) == 5


def test_long_counts_cross_the_lookup_window(calendar):
    # 400 working days is well past the 550-day window the first query covers
    end = add_working_days(D(2026, 1, 5), 400)
    assert working_days_between(D(2026, 1, 5), end) == 400


def test_only_superusers_edit_the_calendar_in_admin(calendar, sysadmin):
    sysadmin.is_staff = True  # may use the admin, but is not a superuser
    sysadmin.save()
    client = Client()
    client.force_login(sysadmin)
    assert client.get("/admin/core/calendarday/").status_code == 403
    sysadmin.is_superuser = True
    sysadmin.save()
    assert client.get("/admin/core/calendarday/").status_code == 200
