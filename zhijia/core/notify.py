"""Telling people things: an in-app notification always, and copies by email or SMS through senders.

A sender is any object with `send(channel, to, subject, body)`. `ZHIJIA_SENDERS` (comma-separated
dotted paths) picks them; the default logs what would be sent, and `MemorySender` keeps messages in
`outbox` for tests. A deployment plugs in its SMS gateway by adding a class, not by editing callers.
"""

import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger("zhijia.notify")


class LoggingSender:
    def send(self, channel: str, to: str, subject: str, body: str) -> None:
        logger.info("[%s] to=%s %s: %s", channel, to, subject, body)


class MemorySender:
    outbox: list[dict] = []

    def send(self, channel: str, to: str, subject: str, body: str) -> None:
        MemorySender.outbox.append({"channel": channel, "to": to, "subject": subject, "body": body})


@cache
def _senders(paths: tuple[str, ...]):
    return [import_string(path)() for path in paths]


def senders():
    return _senders(tuple(getattr(settings, "ZHIJIA_SENDERS", ["zhijia.core.notify.LoggingSender"])))


def send(channel: str, to: str, subject: str, body: str) -> None:
    """Send one email or SMS through every configured sender; a failing sender is logged, not raised."""
    for sender in senders():
        try:
            sender.send(channel, to, subject, body)
        except Exception:  # a gateway outage must not undo the business action that triggered it
            logger.exception("sender %s failed", type(sender).__name__)


def notify(users, title: str, body: str = "", link: str = "", *, email: bool = False) -> int:
    """An in-app notification to each user, plus an email copy where asked and an address is known.

    The notifications are rows written in the caller's transaction (rolled back with it); the emails go
    out only once that transaction commits, so nothing is sent for a change that did not happen.
    """
    users = [user for user in users if user is not None]
    Notification.objects.bulk_create([Notification(user=user, title=title, body=body, link=link) for user in users])
    if email:
        addresses = [user.email for user in users if user.email]
        transaction.on_commit(lambda: [send("email", address, title, body) for address in addresses])
    return len(users)
