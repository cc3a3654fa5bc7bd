"""Where a request comes from, for throttles (SMS codes, login attempts) that count per caller."""

from django.conf import settings


def client_address(request) -> str:
    """The caller's IP address.

    Directly exposed, that is REMOTE_ADDR. Behind `ZHIJIA_PROXY_COUNT` trusted reverse proxies, each of which
    appends the address it saw to X-Forwarded-For, it is the entry the outermost of them appended: counted from
    the right, so a client cannot choose it by sending its own header.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote
