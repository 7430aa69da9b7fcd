"""Letters as tagged PDF (WeasyPrint)."""
