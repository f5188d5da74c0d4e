"""The grounded engine over the project's therapy sessions: what a therapist would
check before signing.

For each set (tests/drafting/therapy/, which the engine's rules were written against;
tests/drafting/heldout/ to heldout15/, written separately; heldout to heldout11 were
read after their first run and are now training data of the salience model, heldout12
on are not)
prints:

- facts: the share of the `must` patterns (facts the therapist's note holds) that
  the draft's own sentences hold, per session and overall;
- leaks: `must_not` patterns (small talk, asides) found in the draft;
- register: sentences with first/second person outside quotes, and greeting or
  backchannel sentences;
- risk: risk statements whose finding (the kinds risk.py reads in the quote, any kind
  where it reads none; the author's polarity, since risk.py reads a screening question
  as if it asserted what it asks) a draft sentence citing them states, of all the risk
  statements the session's author marked;
- length: draft words / the therapist's note words (median, min, max).

The chart is minimal (the client only). Usage: python bench/sessions.py
"""

from __future__ import annotations

import json
import logging
import os
import re
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()
logging.getLogger("sentence_transformers").setLevel(logging.WARNING)

from copilot.chart import ChartContext, Client  # noqa: E402
from copilot.drafting import risk  # noqa: E402
from copilot.drafting.grounded import compose  # noqa: E402
from copilot.drafting.propositions import has_person  # noqa: E402
from copilot.drafting.templates import get_template  # noqa: E402
from copilot.drafting.types import DraftRequest  # noqa: E402

SESSIONS = ROOT / "tests" / "drafting"
SETS = {
    "therapy (rules written against it)": SESSIONS / "therapy",
    "heldout (leaks read while writing rules; salience trained on it)": SESSIONS / "heldout",
    "heldout2 (written blind after the static vectors; trained on)": SESSIONS / "heldout2",
    "heldout3 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout3",
    "heldout4 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout4",
    "heldout5 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout5",
    "heldout6 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout6",
    "heldout7 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout7",
    "heldout8 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout8",
    "heldout9 (written blind 2026-12-07; its first run's lost facts read; trained on)": SESSIONS
    / "heldout9",
    "heldout10 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout10",
    "heldout11 (written blind 2026-12-07; its misses read; trained on)": SESSIONS / "heldout11",
    "heldout12 (written blind 2026-12-07; four drafts read)": SESSIONS / "heldout12",
    "heldout13 (written blind 2026-12-07; its lost facts read)": SESSIONS / "heldout13",
    "heldout14 (written blind 2026-12-07; its misses read)": SESSIONS / "heldout14",
    "heldout15 (written blind 2026-12-08; first run recorded, not read)": SESSIONS / "heldout15",
}
CHATTER = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon)|welcome|thanks?|thank you|okay|ok|"
    r"mm-?hmm|uh-huh|yeah|yes|right|sure|bye|see you)\b[^.!?]{0,20}[.!?]?$",
    re.IGNORECASE,
)


def own_sentences(sections) -> list:
    return [
        s
        for section in sections
        for s in section.sentences
        if not s.placeholder and s.sources and s.sources[0].reference is None
    ]


def measure(folder: Path, case: dict) -> dict:
    text = (folder / f"{case['slug']}.txt").read_text(encoding="utf-8")
    note = (folder / f"{case['slug']}.note.md").read_text(encoding="utf-8")
    client = Client(case["slug"], "Example client", None, None, None, None, None)
    chart = ChartContext(client=client, read_at=datetime.now(tz=UTC))
    own = own_sentences(
        compose(DraftRequest(get_template(case["template"]), text, chart, case["kind"]))
    )
    draft = " ".join(s.text for s in own)
    risks, kept, missed_risks = 0, 0, []
    for stated in case["risk"]:
        start = text.find(stated["quote"])
        if start < 0:
            continue
        end = start + len(stated["quote"])
        citing = [s for s in own if any(x.start < end and start < x.end for x in s.sources)]
        written = {(f.kind, f.negated) for s in citing for f in risk.find_in_text(s.text)}
        risks += 1
        if "kind" in stated:
            held = (stated["kind"], stated["negated"]) in written
        else:  # the author's polarity ("any thoughts of suicide?" asks, it does not assert);
            # the kinds are what risk.py reads in the quote, any kind where it reads none
            kinds = {f.kind for f in risk.find_in_text(stated["quote"])}
            expected = {(kind, stated["negated"]) for kind in kinds}
            held = expected <= written if kinds else stated["negated"] in {n for _, n in written}
        kept += held
        if not held:
            missed_risks.append(stated["quote"])
    body = re.sub(r"^#+ .*$", "", note, flags=re.M)
    return {
        "slug": case["slug"],
        "facts": sum(bool(re.search(p, draft)) for p in case["must"]),
        "of": len(case["must"]),
        "missed": [p for p in case["must"] if not re.search(p, draft)],
        "leaks": [p for p in case["must_not"] if re.search(p, draft)],
        "person": [s.text for s in own if has_person(s.text)],
        "chatter": sum(bool(CHATTER.match(s.text)) for s in own),
        "risks": risks,
        "risks_kept": kept,
        "missed_risks": missed_risks,
        "ratio": len(draft.split()) / len(body.split()),
    }


def main() -> None:
    for name, folder in SETS.items():
        cases = json.loads((folder / "sessions.json").read_text(encoding="utf-8"))
        rows = [measure(folder, case) for case in cases]
        print(f"\n{name}: {len(rows)} sessions")
        print(f"  {'session':<20}{'facts':>8}{'leaks':>7}{'risk kept':>11}{'words/note':>12}")
        for r in rows:
            print(
                f"  {r['slug']:<20}{r['facts']:>4}/{r['of']:<3}{len(r['leaks']):>7}"
                f"{r['risks_kept']:>7}/{r['risks']:<3}{r['ratio']:>12.2f}"
            )
        facts = sum(r["facts"] for r in rows) / sum(r["of"] for r in rows)
        ratios = [r["ratio"] for r in rows]
        print(f"  facts held                     {facts:.2f}")
        print(f"  small-talk leaks               {sum(len(r['leaks']) for r in rows)}")
        print(
            f"  person / chatter sentences     {sum(len(r['person']) for r in rows)} / "
            f"{sum(r['chatter'] for r in rows)}"
        )
        print(
            f"  risk statements kept           {sum(r['risks_kept'] for r in rows)} of "
            f"{sum(r['risks'] for r in rows)}"
        )
        print(
            f"  words draft / note: median     {statistics.median(ratios):.2f} "
            f"(min {min(ratios):.2f}, max {max(ratios):.2f})"
        )
        missed = [(r["slug"], p) for r in rows for p in r["missed"]]
        leaks = [(r["slug"], p) for r in rows for p in r["leaks"]]
        for slug, p in missed:
            print(f"    missed {slug}: {p}")
        for slug, p in leaks:
            print(f"    leaked {slug}: {p}")
        for r in rows:
            for text in r["person"]:
                print(f"    first or second person {r['slug']}: {text}")
        for r in rows:
            for quote in r["missed_risks"]:
                print(f"    risk statement not kept {r['slug']}: {quote}")


if __name__ == "__main__":
    main()
