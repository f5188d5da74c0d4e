"""PHQ-9 and GAD-7: LOINC codes, item codes and severity bands.

Sources:
- PHQ-9: Kroenke K, Spitzer RL, Williams JBW. "The PHQ-9: validity of a brief
  depression severity measure." J Gen Intern Med 2001;16(9):606-613. Total 0-27;
  bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
  Item 9 ("thoughts that you would be better off dead, or of hurting yourself")
  scored >= 1 calls for a suicide-risk assessment whatever the total.
- GAD-7: Spitzer RL, Kroenke K, Williams JBW, Lowe B. "A brief measure for assessing
  generalized anxiety disorder: the GAD-7." Arch Intern Med 2006;166(10):1092-1097.
  Total 0-21; bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
- LOINC: 44261-6 PHQ-9 total score, 44250-9 ... 44260-8 PHQ-9 items 1-9;
  70274-6 GAD-7 total score, 69725-0 ... 69736-7 GAD-7 items 1-7.
"""

from __future__ import annotations

from dataclasses import dataclass

LOINC_SYSTEM = "http://loinc.org"


@dataclass(frozen=True)
class Band:
    """A closed range of totals [low, high] with its severity label."""

    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Instrument:
    """A scored questionnaire: its total's LOINC code, item codes (in item order) and bands."""

    key: str
    name: str
    total_loinc: str
    item_loincs: tuple[str, ...]
    bands: tuple[Band, ...]

    @property
    def max_total(self) -> int:
        return self.bands[-1].high

    def severity(self, total: int) -> str:
        """Severity label for a total score.

        Raises ValueError when `total` lies outside 0..max_total: a score the
        instrument cannot produce is a data error, not a severity.
        """
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        raise ValueError(f"{self.name} total must be 0-{self.max_total}, got {total}")


PHQ9 = Instrument(
    key="phq9",
    name="PHQ-9",
    total_loinc="44261-6",
    item_loincs=(
        "44250-9",  # 1 little interest or pleasure
        "44255-8",  # 2 feeling down, depressed, hopeless
        "44259-0",  # 3 sleep
        "44254-1",  # 4 tired, little energy
        "44251-7",  # 5 appetite
        "44258-2",  # 6 feeling bad about yourself
        "44252-5",  # 7 trouble concentrating
        "44253-3",  # 8 moving or speaking slowly / restless
        "44260-8",  # 9 thoughts of being better off dead or self-harm
    ),
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
)

PHQ9_ITEM9_LOINC = PHQ9.item_loincs[8]

GAD7 = Instrument(
    key="gad7",
    name="GAD-7",
    total_loinc="70274-6",
    item_loincs=(
        "69725-0",  # 1 nervous, anxious, on edge
        "68509-9",  # 2 not able to stop or control worrying
        "69733-4",  # 3 worrying too much
        "69734-2",  # 4 trouble relaxing
        "69735-9",  # 5 restless
        "69689-8",  # 6 easily annoyed or irritable
        "69736-7",  # 7 afraid something awful might happen
    ),
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 21, "severe"),
    ),
)

INSTRUMENTS = {instrument.key: instrument for instrument in (PHQ9, GAD7)}
