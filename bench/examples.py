"""Example drafts for the README: the grounded engine over sessions written for the
project (tests/drafting/therapy/), each written to docs/examples/<slug>.md with its
input and the therapist's reference note beside the draft.

The chart is minimal (the client only), so every sentence of the draft comes from the
input; placeholders are shown as the sidebar shows them.

Usage: python bench/examples.py [slug ...]   (default: cbt-depression shorthand-anxiety)
"""

from __future__ import annotations

import json
import logging
import os
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
from copilot.drafting.grounded import compose  # noqa: E402
from copilot.drafting.templates import get_template  # noqa: E402
from copilot.drafting.types import DraftedSection, DraftRequest  # noqa: E402

SESSIONS = ROOT / "tests" / "drafting" / "therapy"
OUT = ROOT / "docs" / "examples"
DEFAULT = ("cbt-depression", "shorthand-anxiety")


def draft(case: dict, text: str) -> list[DraftedSection]:
    client = Client(case["slug"], "Example client", None, None, None, None, None)
    chart = ChartContext(client=client, read_at=datetime.now(tz=UTC))
    return compose(DraftRequest(get_template(case["template"]), text, chart, case["kind"]))


def as_markdown(sections: list[DraftedSection]) -> str:
    return "\n\n".join(
        f"**{section.title}**\n\n" + "\n".join(f"- {s.text}" for s in section.sentences)
        for section in sections
    )


def page(case: dict, text: str, sections: list[DraftedSection]) -> str:
    reference = (SESSIONS / f"{case['slug']}.note.md").read_text(encoding="utf-8")
    words = sum(len(s.text.split()) for sec in sections for s in sec.sentences if not s.placeholder)
    what = "transcript" if case["kind"] == "transcript" else "brief notes"
    return (
        f"# Example: {case['slug']} ({case['template'].upper()} from {what})\n\n"
        f"Written by `python bench/examples.py` with the `grounded` engine (offline) and a "
        f"chart holding only the client. Input: "
        f"[`tests/drafting/therapy/{case['slug']}.txt`](../../tests/drafting/therapy/"
        f"{case['slug']}.txt), {len(text.split())} words; draft {words} words; the "
        f"therapist's note {len(reference.split())} words.\n\n"
        f"## Draft\n\n{as_markdown(sections)}\n\n"
        f"## The therapist's note\n\n{reference.strip()}\n\n"
        f"## Input\n\n```text\n{text.strip()}\n```\n"
    )


def main() -> None:
    slugs = sys.argv[1:] or list(DEFAULT)
    cases = {c["slug"]: c for c in json.loads((SESSIONS / "sessions.json").read_text())}
    OUT.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        case = cases[slug]
        text = (SESSIONS / f"{slug}.txt").read_text(encoding="utf-8")
        path = OUT / f"{slug}.md"
        path.write_text(page(case, text, draft(case, text)), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
