"""Documents a case produces for the parties to sign: the 调解协议书 (mediation agreement) as an A4 PDF.

Rendered from a Django template by `zhijia.core.pdf` (WeasyPrint, system CJK fonts, nothing fetched from
the network). The HTML is rendered here rather than by `render_pdf` so tests can read what was printed.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from zhijia.cases.models import Mediation, MediationOutcome
from zhijia.core.errors import InvalidTransition
from zhijia.core.pdf import html_to_pdf

TEMPLATE = "cases/mediation_agreement_pdf.html"
# Relative URLs in the template resolve against its own folder.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "cases"


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
    return html_to_pdf(html, base_dir=TEMPLATE_DIR)
