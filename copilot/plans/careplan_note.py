"""The CarePlan.note text that records a treatment-plan review in the EHR."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .engine import day
from .models import PlanGoalSection, PlanReview

Decision = PlanGoalSection.Decision


def review_note(review: PlanReview, *, on: datetime | None = None, cosigner: str = "") -> str:
    """The CarePlan.note text recording the review: date, author (and the supervisor who
    co-signed it, `cosigner`, a display name), evidence window, and one line per goal."""
    author = review.author.clinician.display_name
    when = (on or timezone.now()).date()
    signed = f", co-signed by {cosigner}" if cosigner else ""
    lines = [
        f"Treatment-plan review {day(when)} by {author}{signed} "
        f"(evidence since {day(review.since)})."
    ]
    for section in review.goals.all():
        if section.decision == Decision.REJECTED:
            lines.append(f"- {section.description}: unchanged.")
            continue
        label = dict(PlanGoalSection._meta.get_field("final_status").choices)[section.final_status]
        revised = (
            f" Revised to: {section.final_description}"
            if section.final_description != section.description
            else ""
        )
        lines.append(f"- {section.description}: {label}.{revised} {section.final_summary}".strip())
    return "\n".join(lines)
