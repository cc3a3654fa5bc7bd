"""Documents a case produces for the parties to sign: the 调解协议书 (mediation agreement) as an A4 PDF.

Rendered from a Django template by WeasyPrint with the system's CJK fonts (Debian's fonts-noto-cjk,
installed by `make browser-deps`); nothing is ever fetched from the network.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from zhijia.cases.models import Mediation, MediationOutcome
from zhijia.core.errors import InvalidTransition

TEMPLATE = "cases/mediation_agreement_pdf.html"
# Relative URLs in the template resolve against its own folder; only file: and data: URLs are fetched.
BASE_URL = (Path(__file__).resolve().parent / "templates" / "cases").as_uri() + "/"
ALLOWED_PROTOCOLS = frozenset({"file", "data"})


def mediation_agreement_pdf(mediation: Mediation) -> bytes:
    """Render the 调解协议书 of a successful mediation as PDF bytes.

    Raises:
        InvalidTransition: the mediation did not succeed, or succeeded without agreement text.
    """
    if mediation.outcome != MediationOutcome.SUCCESS:
        raise InvalidTransition("调解未成功，不能生成调解协议书")
    if not mediation.agreement.strip():
        raise InvalidTransition("协议内容为空，不能生成调解协议书")

    ticket = mediation.ticket
    # The organisation that mediated seals the agreement: the agency when a referral's agency ran it.
    organisation = mediation.referral.agency.name if mediation.referral_id else ticket.union.name
    concluded_at = timezone.localtime(mediation.concluded_at) if mediation.concluded_at else None
    html = render_to_string(
        TEMPLATE,
        {
            "mediation": mediation,
            "ticket": ticket,
            "organisation": organisation,
            "sessions": list(mediation.sessions.all()),
            "year": (concluded_at or timezone.localtime()).year,
            "concluded_at": concluded_at,
        },
    )

    # Imported here: loading WeasyPrint (Pango, HarfBuzz through cffi) takes about a second, which every
    # process importing this module would otherwise pay at startup.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint 70 calls `url_fetcher._fail_on_errors` when a fetch fails, so a plain function would crash
    # on the first refusal: restrict its own fetcher instead.
    fetcher = URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
