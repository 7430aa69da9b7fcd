"""The demo county's own parts: staff (`personal`) and the person registry (`personen`).

Importing this package registers both in `vorort.demo.registry`.
"""

from vorort.demo.teile import personal, personen  # noqa: F401
