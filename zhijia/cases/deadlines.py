"""Deadlines of ticket steps, in working days on the Chinese calendar (zhijia.core.workdays).

Staff set the days per complexity class and step in DeadlineRule; DEFAULT_DAYS fills any gap so a
missing row never leaves a ticket without a deadline.
"""

import datetime

from django.utils import timezone

from zhijia.core.workdays import add_working_days

from .models import Complexity, DeadlineRule, Step

DEFAULT_DAYS = {
    (Complexity.SIMPLE, Step.ACCEPT): 1,
    (Complexity.SIMPLE, Step.HANDLE): 3,
    (Complexity.SIMPLE, Step.CALLBACK): 2,
    (Complexity.ORDINARY, Step.ACCEPT): 1,
    (Complexity.ORDINARY, Step.HANDLE): 10,
    (Complexity.ORDINARY, Step.CALLBACK): 3,
    (Complexity.COMPLEX, Step.ACCEPT): 2,
    (Complexity.COMPLEX, Step.HANDLE): 30,
    (Complexity.COMPLEX, Step.CALLBACK): 5,
}


def step_days(complexity: str, step: str) -> int:
    row = DeadlineRule.objects.filter(complexity=complexity, step=step).values_list("working_days", flat=True).first()
    return row or DEFAULT_DAYS[(complexity, step)]


def step_due(complexity: str, step: str, *, start: datetime.date | None = None) -> datetime.date:
    """The date by which a step started on `start` (today) must be done."""
    return add_working_days(start or timezone.localdate(), step_days(complexity, step))
