"""The grounded drafting engine on ACI-Bench valid: speed, section sorting, ROUGE-L.

For the 20 doctor-patient encounters of ACI-Bench's valid split (Yim et al., Scientific
Data 2023; CC BY 4.0), with the SOAP template and a minimal chart (client only, no
measures), prints:

1. speed: time to the first drafted section and to the whole draft, p50/p95 in ms
   over RUNS passes of the 20 transcripts (a warm-up call first, not counted); the
   one-off model load is reported on its own;
2. section sorting: each sentence of the valid reference notes (sections_json)
   classified as subjective / objective / assessment+plan, by the model alone and by
   model + rules as the engine uses it (role -> SOAP section), against the
   majority-class baseline; with the confusion matrix of model + rules;
3. ROUGE-L F1 (Google's rouge-score, stemmed) of the drafted note (section titles and
   text, placeholders removed) against the reference note, mean over the 20, against
   the baseline of copying the transcript with its speaker tags removed, and the
   engine's rewritten sentences left in transcript order (to show what the sorting
   into sections adds or costs).

ACI-Bench is general medicine, not therapy: the figures say how the machinery
behaves on real conversations, not how good a therapy note is.

`--oracle` adds the ROUGE-L of the best selection of the engine's own propositions,
chosen greedily against each reference note: what no salience model can exceed.

Usage: python bench/draft.py [--runs 3] [--data ../shared/data/aci-bench] [--oracle]
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()
for name in ("sentence_transformers", "absl"):
    logging.getLogger(name).setLevel(logging.WARNING)
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from rouge_score import rouge_scorer  # noqa: E402

from copilot.chart import ChartContext, Client  # noqa: E402
from copilot.drafting.classifier import ACI_LABELS, aci_sentences, get_classifier  # noqa: E402
from copilot.drafting.grounded import compose, iter_sections, section_for  # noqa: E402
from copilot.drafting.propositions import propositions  # noqa: E402
from copilot.drafting.templates import get_template  # noqa: E402
from copilot.drafting.text import segment, without_frame  # noqa: E402
from copilot.drafting.types import DraftedSection, DraftRequest  # noqa: E402
from copilot.drafting.vectors import embed_sentences  # noqa: E402
from copilot.drafting.warmup import forget_texts, warm_up  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "aci-bench"
SHORT = {"subjective": "S", "objective": "O", "assessment_and_plan": "A+P"}
SOAP_TO_ACI = {
    "subjective": "subjective",
    "objective": "objective",
    "assessment": "assessment_and_plan",
    "plan": "assessment_and_plan",
}


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def minimal_chart(encounter: str) -> ChartContext:
    client = Client(encounter, "ACI-Bench client", None, None, None, None, None)
    return ChartContext(client=client, read_at=datetime.now(tz=UTC))


def requests(rows: list[dict]) -> list[DraftRequest]:
    soap = get_template("soap")
    return [
        DraftRequest(soap, row["dialogue"], minimal_chart(row["encounter_id"]), "transcript")
        for row in rows
    ]


def load_models() -> float:
    """ms to load what `copilot.drafting.warmup` loads when daphne starts."""
    started = time.perf_counter()
    warm_up()
    return (time.perf_counter() - started) * 1000


def timings(drafts: list[DraftRequest], runs: int) -> tuple[list[float], list[float]]:
    """(ms to the first section, ms to the whole draft) for every draft and run, each
    draft with the per-text caches empty."""
    compose(drafts[0])  # warm-up, not counted
    first, full = [], []
    for _ in range(runs):
        for request in drafts:
            forget_texts()  # a repeated run costs what a new transcript costs
            started = time.perf_counter()
            sections = iter_sections(request)
            next(sections)
            first.append((time.perf_counter() - started) * 1000)
            list(sections)
            full.append((time.perf_counter() - started) * 1000)
    return first, full


def section_sorting(data: Path) -> dict:
    """Accuracy of the majority class, the model alone and model + rules on valid."""
    train = [label for _, label, _ in aci_sentences(data, "train")]
    valid = aci_sentences(data, "valid")
    truth = [label for _, label, _ in valid]
    texts = [text for text, _, _ in valid]
    classifier, soap = get_classifier(), get_template("soap")
    vectors = embed_sentences(texts)
    model = classifier.predict_aci(vectors)
    ruled = [
        SOAP_TO_ACI[section_for(soap, c).key] for c in classifier.classify(texts, vectors=vectors)
    ]
    majority = Counter(train).most_common(1)[0][0]
    return {
        "n": len(truth),
        "counts": Counter(truth),
        "majority": (majority, accuracy([majority] * len(truth), truth)),
        "model": accuracy(model, truth),
        "rules": accuracy(ruled, truth),
        "confusion": Counter(zip(truth, ruled, strict=True)),
    }


def accuracy(predicted: list[str], truth: list[str]) -> float:
    return sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth)


def note_text(sections: list[DraftedSection]) -> str:
    parts = []
    for section in sections:
        sentences = [s.text for s in section.sentences if not s.placeholder]
        parts.append(f"{section.title.upper()}\n\n{' '.join(sentences)}")
    return "\n\n".join(parts)


def untagged(dialogue: str) -> str:
    return re.sub(r"^\[[^\]]*\]\s*", "", dialogue, flags=re.MULTILINE)


def lead(dialogue: str, note: str) -> str:
    """The first N words of the transcript, N the reference note's word count."""
    return " ".join(untagged(dialogue).split()[: len(note.split())])


def rouge(rows: list[dict], drafted: list[list[DraftedSection]]) -> dict[str, float]:
    """Mean ROUGE-L F1 against the reference note of: the copied transcript, its first
    N words (lead-N), the engine's propositions in transcript order (what sorting into
    sections adds or costs), and the grounded draft."""
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    candidates: dict[str, list[str]] = {
        "copied": [untagged(row["dialogue"]) for row in rows],
        "lead": [lead(row["dialogue"], row["note"]) for row in rows],
        "unsorted": [in_order(sections) for sections in drafted],
        "drafted": [note_text(sections) for sections in drafted],
    }
    return {
        name: statistics.mean(
            scorer.score(row["note"], text)["rougeL"].fmeasure
            for row, text in zip(rows, texts, strict=True)
        )
        for name, texts in candidates.items()
    }


def oracle(rows: list[dict]) -> float:
    """Mean ROUGE-L F1 of the best selection of each transcript's own propositions, in
    transcript order, picked greedily against the reference note itself (an upper
    bound for any salience model over these propositions; about 3 minutes)."""
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    results = []
    for row in rows:
        _, segments = segment(row["dialogue"])
        texts = [p.text for p in propositions(segments, len(row["dialogue"]), "patient")]
        chosen: set[int] = set()
        best = 0.0
        while True:
            pick = None
            for i in set(range(len(texts))) - chosen:
                text = " ".join(texts[j] for j in sorted(chosen | {i}))
                score = scorer.score(row["note"], text)["rougeL"].fmeasure
                if score > best + 1e-4:
                    best, pick = score, i
            if pick is None:
                break
            chosen.add(pick)
        results.append(best)
    return statistics.mean(results)


def in_order(sections: list[DraftedSection]) -> str:
    spans = [
        (min(x.start for x in s.sources if x.start is not None), s.text)
        for section in sections
        for s in section.sentences
        if any(x.start is not None for x in s.sources)
    ]
    return " ".join(text for _, text in sorted(spans))


PERSON = re.compile(
    r"\b(?:I|I'm|I've|I'd|I'll|(?i:me|my|mine|myself|we|us|our|ours|you|your|yours|yourself))\b"
)
GREETING = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon)|okay|ok|all right|alright|mm-?hmm|uh-huh|"
    r"yeah|yes|no|indeed|right|sure|great|perfect|thank you|thanks|bye|see you)\b[\w ,]{0,16}"
    r"[.!?]?$|\b(?:nice|good|great) to see you\b|\bhow are you\b|\b(?:dax|dragon)\b",
    re.IGNORECASE,
)


def register(rows: list[dict], drafted: list[list[DraftedSection]]) -> dict:
    """Words ratio draft/reference (median, p10, p90) and counts of sentences without a
    source, with first/second person outside quotes, and greeting/backchannel ones."""
    ratios, unsourced, person, greeting, total = [], 0, 0, 0, 0
    for row, sections in zip(rows, drafted, strict=True):
        sentences = [s for section in sections for s in section.sentences if not s.placeholder]
        words = sum(len(s.text.split()) for s in sentences)
        ratios.append(words / len(row["note"].split()))
        total += len(sentences)
        unsourced += sum(not s.sources for s in sentences)
        person += sum(bool(PERSON.search(re.sub(r'"[^"]*"', " ", s.text))) for s in sentences)
        greeting += sum(bool(GREETING.search(without_frame(s.text))) for s in sentences)
    return {
        "ratio": (percentile(ratios, 50), percentile(ratios, 10), percentile(ratios, 90)),
        "sentences": total,
        "unsourced": unsourced,
        "person": person,
        "greeting": greeting,
    }


def print_report(load_ms, first, full, sorting, scores, checks, runs: int) -> None:
    print(f"grounded engine on ACI-Bench valid (20 transcripts, SOAP, {os.cpu_count()} CPUs)\n")
    print(f"model load (vectors, classifiers, spaCy; once per process): {load_ms:,.0f} ms")
    heading = f"speed, ms ({len(full)} drafts, {runs} runs)"
    print(f"{heading:<40}{'p50':>8}{'p95':>8}")
    print(
        f"{'  to the first section':<40}{percentile(first, 50):>8.0f}{percentile(first, 95):>8.0f}"
    )
    print(f"{'  to the full draft':<40}{percentile(full, 50):>8.0f}{percentile(full, 95):>8.0f}")
    counts = ", ".join(f"{SHORT[k]} {sorting['counts'][k]}" for k in ACI_LABELS)
    print(f"\nsection sorting, {sorting['n']} reference-note sentences ({counts})")
    label, majority = sorting["majority"]
    print(f"{'  majority class (' + SHORT[label] + ')':<40}{'accuracy':>8} {majority:.3f}")
    print(f"{'  model alone':<40}{'accuracy':>8} {sorting['model']:.3f}")
    print(f"{'  model + rules (as drafted)':<40}{'accuracy':>8} {sorting['rules']:.3f}")
    print("  confusion, model + rules (rows: truth, columns: drafted)")
    print("  " + " " * 6 + "".join(f"{SHORT[k]:>7}" for k in ACI_LABELS))
    for truth in ACI_LABELS:
        row = "".join(f"{sorting['confusion'][(truth, k)]:>7}" for k in ACI_LABELS)
        print(f"  {SHORT[truth]:<6}{row}")
    print("\nROUGE-L F1 vs the reference note, mean of 20")
    print(f"{'  copy the transcript (baseline)':<40}{scores['copied']:>8.3f}")
    print(f"{'  lead-N (first N transcript words)':<40}{scores['lead']:>8.3f}")
    print(f"{'  draft sentences, transcript order':<40}{scores['unsorted']:>8.3f}")
    print(f"{'  grounded draft (sorted into SOAP)':<40}{scores['drafted']:>8.3f}")
    ratio = scores["drafted"] / scores["copied"]
    print(f"{'  draft / copy':<40}{ratio:>8.2f}   (target >= 1.35)")
    print(f"{'  draft - lead-N':<40}{scores['drafted'] - scores['lead']:>8.3f}   (target >= 0.08)")
    median, p10, p90 = checks["ratio"]
    print("\nregister, placeholders left out")
    print(f"{'  words draft / reference: median':<40}{median:>8.2f}   (target 0.7-1.5)")
    print(f"{'                            p10, p90':<40}{p10:>8.2f}{p90:>8.2f}")
    print(f"{'  sentences':<40}{checks['sentences']:>8}")
    print(f"{'  without a source':<40}{checks['unsourced']:>8}")
    print(f"{'  first/second person outside quotes':<40}{checks['person']:>8}")
    print(f"{'  greeting / backchannel':<40}{checks['greeting']:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--oracle", action="store_true", help="also the greedy oracle (slow)")
    args = parser.parse_args()
    with (args.data / "csv" / "valid.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    load_ms = load_models()
    drafts = requests(rows)
    first, full = timings(drafts, args.runs)
    sorting = section_sorting(args.data)
    drafted = [compose(request) for request in drafts]
    scores, checks = rouge(rows, drafted), register(rows, drafted)
    print_report(load_ms, first, full, sorting, scores, checks, args.runs)
    if args.oracle:
        print(f"{'  oracle selection of propositions':<40}{oracle(rows):>8.3f}")


if __name__ == "__main__":
    main()
