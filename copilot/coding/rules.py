"""The CPT rules the suggestions follow, as data in one place.

Sources: AMA CPT Professional 2024 (Psychiatry 90785-90899) and the CMS Medicare
Learning Network booklet "Behavioral Health Services" (MLN1986542): psychotherapy
codes are chosen by face-to-face time — 90832 for 16-37 minutes, 90834 for 38-52,
90837 for 53 or more; under 16 minutes no psychotherapy code is reported. 90791 is the
psychiatric diagnostic evaluation (intake); 90846 family psychotherapy without the
patient present and 90847 with the patient present (26 minutes or more); 90853 group
psychotherapy; 90839 psychotherapy for crisis, first 60 minutes (30-74 minutes), plus
90840 for each additional 30 minutes (75-104: one unit, and so on); 90785 interactive
complexity, an add-on only when the note documents one of its four factors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimeBand:
    """A time-based psychotherapy code: reported for `low`..`high` minutes (None: no top)."""

    code: str
    display: str
    low: int
    high: int | None

    def covers(self, minutes: int) -> bool:
        return minutes >= self.low and (self.high is None or minutes <= self.high)


PSYCHOTHERAPY = (
    TimeBand("90832", "Psychotherapy, 30 minutes with patient", 16, 37),
    TimeBand("90834", "Psychotherapy, 45 minutes with patient", 38, 52),
    TimeBand("90837", "Psychotherapy, 60 minutes with patient", 53, None),
)
CRISIS_FIRST = TimeBand("90839", "Psychotherapy for crisis, first 60 minutes", 30, 74)
CRISIS_EXTRA = ("90840", "Psychotherapy for crisis, each additional 30 minutes")
CRISIS_EXTRA_STARTS, CRISIS_EXTRA_MINUTES = 75, 30  # 75-104 min: 1 unit of 90840, …
FAMILY_MIN_MINUTES = 26
INTAKE = ("90791", "Psychiatric diagnostic evaluation")
FAMILY_WITHOUT = ("90846", "Family psychotherapy without the patient present")
FAMILY_WITH = ("90847", "Family psychotherapy with the patient present")
GROUP = ("90853", "Group psychotherapy")
INTERACTIVE_COMPLEXITY = ("90785", "Interactive complexity (add-on)")

# Cue words (whole words; a trailing * matches any ending) that document a session type
# or one of the four interactive-complexity factors (CPT 90785: maladaptive communication
# among participants; a caregiver's emotions or behavior interfering; a sentinel event
# and its disclosure to a third party; play equipment, devices, an interpreter or a
# translator to overcome a communication barrier).
SESSION_CUES = {
    "intake": ("intake", "initial evaluation", "diagnostic evaluation", "initial assessment"),
    "crisis": ("crisis", "imminent risk", "emergency safety"),
    "family": ("family session", "family therapy", "conjoint", "parents present"),
    "family-without": ("without the client", "client not present", "without the patient"),
    "group": ("group session", "group therapy", "group psychotherapy"),
}
INTERACTIVE_CUES = (
    "interpreter",
    "translator",
    "play therapy",
    "play equipment",
    "sign language",
    "mandated report*",
    "reported to cps",
    "reported to child protective",
    "caregiver interfer*",
    "parent interfer*",
    "maladaptive communication",
)
