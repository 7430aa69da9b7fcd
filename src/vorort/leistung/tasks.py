"""Background tasks of the benefits app: they take ids and call the actions (STYLE §3.8)."""

from __future__ import annotations

from django.tasks import task

from vorort.leistung.models import Zahllauf
from vorort.leistung.zahllauf import ARBEITER, run_zahllauf


@task(queue_name="batch")
def run_zahllauf_task(zahllauf_id: int) -> None:
    """Run (or resume) a payment run; its BackgroundJob shows the progress."""
    run_zahllauf(Zahllauf.objects.get(pk=zahllauf_id), arbeiter=ARBEITER)
