"""Letters as tagged, accessible PDF (WeasyPrint, PDF/UA-1), for every app.

A letter is an HTML template extending `briefe/_brief.html` (the Mandant's letterhead, address
window, date and reference, closing); the app's action files or records the PDF.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template: str, context: dict) -> bytes:
    """Render a letter template as PDF/UA-1: tagged structure, language and title for screen readers."""
    return HTML(string=render_to_string(template, context)).write_pdf(pdf_variant="pdf/ua-1")
