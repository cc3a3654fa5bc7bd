"""Load public holidays and 调休 workdays from the chinese-calendar package into CalendarDay."""

from chinese_calendar import constants

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def calendar_rows():
    for day, holiday in constants.holidays.items():
        yield day, "holiday", NAMES.get(holiday, holiday)
    for day, holiday in constants.workdays.items():
        yield day, "workday", NAMES.get(holiday, holiday)


def seed_calendar(model) -> int:
    """Insert the package's days that are not in the table yet; never overwrite staff edits."""
    existing = set(model.objects.values_list("date", flat=True))
    rows = [model(date=day, kind=kind, name=name) for day, kind, name in calendar_rows() if day not in existing]
    model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
