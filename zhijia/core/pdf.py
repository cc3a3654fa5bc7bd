"""Printable documents: an HTML template rendered to an A4 PDF by WeasyPrint with the system's CJK fonts.

Debian's fonts-noto-cjk is installed by `make browser-deps`. Nothing is ever fetched from the network:
relative URLs in a template resolve against `base_dir`, and only file: and data: URLs are followed.
"""

from pathlib import Path

from django.template.loader import render_to_string

ALLOWED_PROTOCOLS = frozenset({"file", "data"})


def base_url(base_dir: Path) -> str:
    """The folder as a file: URL with a trailing slash, so relative URLs resolve inside it."""
    return Path(base_dir).resolve().as_uri() + "/"


def html_to_pdf(html: str, *, base_dir: Path) -> bytes:
    """PDF bytes of an HTML page, fetching at most local files under the given folder."""
    # Imported here: loading WeasyPrint (Pango, HarfBuzz through cffi) takes about a second, which every
    # process importing this module would otherwise pay at startup.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint 70 calls `url_fetcher._fail_on_errors` when a fetch fails, so a plain function would crash
    # on the first refusal: restrict its own fetcher instead.
    fetcher = URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False)
    return HTML(string=html, base_url=base_url(base_dir), url_fetcher=fetcher).write_pdf()


def render_pdf(template_name: str, context: dict, *, base_dir: Path) -> bytes:
    """Render a Django template and print it (see `html_to_pdf`)."""
    return html_to_pdf(render_to_string(template_name, context), base_dir=base_dir)
