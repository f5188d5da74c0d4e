"""Chart Q&A: index build vs raw encode, search latency, answer quality and latency.

Starts its own sandbox EHR on loopback and an empty embedded Chroma folder, then

- index:   syncs every client (13 Synthea patients with 1,215 notes, and the 8
           behavioral-health demo clients) through `sync_client` - EHR reads,
           chunking, embedding, Chroma writes, state rows - and times it;
- encode:  times sentence-transformers' own `encode` of exactly the same chunk
           texts in one call in the same process, at batch 16 and 64; the faster
           is the floor for indexing; prints index / encode;
- kb:      loads the sample practice knowledge base (docs/practice-kb) with the
           code `manage.py kb_load` runs, timed;
- search:  p50 / p95 of hybrid search on the largest Synthea patient (708 notes);
- quality: every question through `answer_stream` as the sidebar asks it (chart
           read from the EHR, the client's index, the practice knowledge base):
           recall@5 = a supporting entry among the first 5 sources of the answer
           (the entries it cites, then those it retrieved), by question kind; and
           how often it says "could not find", split by whether the chart holds
           the answer. Questions: derived from Synthea's structured data
           (bench/qa_questions.py: presenting, prescribed, visit) and written by
           hand (bench/qa_handwritten.json: bh-structured, bh-notes, kb,
           unanswerable). bh-006 has a recorded 42 CFR Part 2 consent, as a
           practice would hold, so its restricted entries are searchable;
- answer:  p50 / p95 of question → first cited sentence and → whole answer on the
           largest patient, chart read included, model warm (grounded mode).

Usage: python bench/qa.py [--runs 100]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()
for name in ("sentence_transformers", "bm25s"):
    logging.getLogger(name).setLevel(logging.WARNING)

from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test.utils import setup_databases  # noqa: E402

from bench.qa_questions import (  # noqa: E402
    Question,
    handwritten_questions,
    recall_at,
    synthea_questions,
)
from copilot.ehr.fhir_r4 import FhirR4Gateway  # noqa: E402
from copilot.kb.index import PracticeIndex  # noqa: E402
from copilot.kb.services import load_folder  # noqa: E402
from copilot.qa.answering import answer_stream  # noqa: E402
from copilot.qa.types import AnswerDone, AnswerPart  # noqa: E402
from copilot.retrieval.chunking import chunks_of  # noqa: E402
from copilot.retrieval.consent import part2_consent_in_force  # noqa: E402
from copilot.retrieval.embeddings import embed, get_embedder  # noqa: E402
from copilot.retrieval.index import EMBED_BATCH_SIZE, ClientIndex  # noqa: E402
from copilot.retrieval.models import IndexedSource, Part2Consent  # noqa: E402
from copilot.retrieval.sync import sync_client  # noqa: E402
from sandbox.launch import Sandbox  # noqa: E402

LARGEST = "79a66c97-6131-3213-f3c9-4606946ab056"  # 708 notes
KB = ROOT / "docs" / "practice-kb"
KB_CONTEXT = "bh-001"  # the chart open in the sidebar when a practice question is asked
PART2_CONSENTED = "bh-006"


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def index_time(gateway: FhirR4Gateway, clients: list[str]) -> float:
    start = time.perf_counter()
    for client_id in clients:
        await sync_client(gateway, client_id)
    seconds = time.perf_counter() - start
    notes = await IndexedSource.objects.filter(reference__startswith="DocumentReference/").acount()
    entries = await IndexedSource.objects.acount()
    print(f"index:  {len(clients)} clients, {notes} notes, {entries} entries in {seconds:.1f} s")
    return seconds


async def encode_time(gateway: FhirR4Gateway, clients: list[str], indexed: float) -> None:
    """sentence-transformers' own encode of the same chunk texts in one call, at batch 16
    and 64; the faster is the floor the indexing time is divided by."""
    texts = []
    for client_id in clients:
        batch = await gateway.index_sources(client_id)
        texts += [f"{c.heading}\n{c.text}" for d in batch.documents for c in chunks_of(d)]
    seconds = {}
    for batch_size in (16, 64):
        start = time.perf_counter()
        get_embedder().encode(texts, batch_size=batch_size, normalize_embeddings=True)
        seconds[batch_size] = time.perf_counter() - start
    floor = min(seconds.values())
    print(
        f"encode: {len(texts)} chunks in one call, batch 16: {seconds[16]:.1f} s, "
        f"batch 64: {seconds[64]:.1f} s; index / fastest encode = {indexed / floor:.2f} "
        f"(index batch {EMBED_BATCH_SIZE})"
    )


def load_knowledge_base() -> None:
    start = time.perf_counter()
    result = load_folder(KB)
    seconds = time.perf_counter() - start
    print(
        f"kb:     {len(result.loaded)} documents ({PracticeIndex().count()} chunks) "
        f"loaded in {seconds:.1f} s; {len(result.failed)} failed"
    )


def search_latency(runs: int) -> None:
    questions = [q.text for q in synthea_questions(per_kind=runs, clients={LARGEST})][:runs]
    index = ClientIndex(LARGEST)
    index.search("warm-up")
    times = []
    for question in questions:
        start = time.perf_counter()
        index.search(question, 5)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"search: largest patient (708 notes), {len(times)} questions: "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms"
    )


async def ask(gateway, charts: dict, question: Question) -> AnswerDone:
    client_id = question.client_id or KB_CONTEXT
    if client_id not in charts:
        charts[client_id] = await gateway.chart(client_id)
    consent = await sync_to_async(part2_consent_in_force)(client_id)
    done = None
    async for event in answer_stream(
        question.text,
        charts[client_id],
        ClientIndex(client_id),
        mode="grounded",
        include_restricted=consent,
        practice=PracticeIndex(),
    ):
        if isinstance(event, AnswerDone):
            done = event
    return done


def sources_of(done: AnswerDone) -> list[str]:
    """The answer's cited entries in order, then the entries it retrieved."""
    cited = [c.source for s in done.answer.sentences for c in s.citations]
    return list(dict.fromkeys([*cited, *done.retrieved]))


async def quality(gateway: FhirR4Gateway, show_misses: bool) -> None:
    questions = synthea_questions() + handwritten_questions()
    charts: dict = {}
    found: dict[str, list[bool]] = {}
    missed: dict[str, int] = {}  # "could not find" though the chart holds the answer, by kind
    said_not_found = {True: 0, False: 0}  # by whether the chart holds the answer
    answered_unanswerable = 0
    for question in questions:
        done = await ask(gateway, charts, question)
        if not done.answer.found:
            said_not_found[question.answerable] += 1
            missed[question.kind] = missed.get(question.kind, 0) + question.answerable
            if show_misses and question.answerable:
                print(f"  could not find [{question.kind}] {question.client_id}: {question.text}")
        if not question.answerable:
            answered_unanswerable += done.answer.found
            if show_misses and done.answer.found:
                print(f"  answered [unanswerable] {question.client_id}: {question.text}")
                print(f"       {done.answer.text[:160]}")
            continue
        hit = recall_at(5, question, sources_of(done))
        found.setdefault(question.kind, []).append(hit)
        if show_misses and not hit:
            print(f"  miss [{question.kind}] {question.client_id}: {question.text}")
            print(f"       got {sources_of(done)[:5]} ({done.answer.kind})")
    every = [x for values in found.values() for x in values]
    print(f"recall@5, {len(every)} answerable questions: {sum(every) / len(every):.2f}")
    for kind, values in found.items():
        print(
            f"  {kind:<14} {sum(values) / len(values):.2f} (n={len(values)}); "
            f'"could not find" {missed.get(kind, 0)}'
        )
    unanswerable = sum(not q.answerable for q in questions)
    print(
        f'"could not find": {said_not_found[True]} of {len(every)} answerable questions '
        f"(the chart holds the answer), {said_not_found[False]} of {unanswerable} unanswerable "
        f"ones ({answered_unanswerable} of those answered anyway)"
    )


async def answer_latency(gateway: FhirR4Gateway, runs: int) -> None:
    """Question → cited answer on the largest patient with the model warm, as the sidebar
    runs it: `answer_stream` (structured, or retrieval and the grounded extractive
    answer) to its first sentence and to AnswerDone, from the chart the sidebar read
    when the Ask panel opened (re-read after QA_CHART_MAX_AGE_SECONDS); and that chart
    read itself, timed for every question as if each one read it again."""
    questions = [q.text for q in synthea_questions(per_kind=runs, clients={LARGEST})][:runs]
    retriever, practice = ClientIndex(LARGEST), PracticeIndex()
    reads, first, done, kinds = [], [], [], {}
    for question in questions:
        start = time.perf_counter()
        chart = await gateway.chart(LARGEST)
        reads.append((time.perf_counter() - start) * 1000)
        start, seen_first = time.perf_counter(), False
        stream = answer_stream(question, chart, retriever, mode="grounded", practice=practice)
        async for event in stream:
            if isinstance(event, AnswerPart) and not seen_first:
                first.append((time.perf_counter() - start) * 1000)
                seen_first = True
            if isinstance(event, AnswerDone):
                done.append((time.perf_counter() - start) * 1000)
                kinds[event.answer.kind] = kinds.get(event.answer.kind, 0) + 1
    answered = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    print(
        f"answer: largest patient (708 notes), {len(done)} questions ({answered}): "
        f"first sentence p50 {statistics.median(first):.0f} ms, "
        f"p95 {percentile(first, 95):.0f} ms; "
        f"whole answer p50 {statistics.median(done):.0f} ms, p95 {percentile(done, 95):.0f} ms"
    )
    print(
        f"chart read from the EHR (once per {settings.QA_CHART_MAX_AGE_SECONDS} s per sidebar): "
        f"p50 {statistics.median(reads):.0f} ms, p95 {percentile(reads, 95):.0f} ms; "
        f"with it every time, whole answer p95 "
        f"{percentile([r + d for r, d in zip(reads, done, strict=True)], 95):.0f} ms"
    )


async def main(runs: int, show_misses: bool) -> None:
    embed(["warm-up"])  # load the model before timing
    with Sandbox() as sandbox:
        gateway = FhirR4Gateway(sandbox.base_url)
        clients = [c.id for c in await gateway.clients()]
        print(f"Chart Q&A on a {os.cpu_count()}-core CPU, embedded Chroma, sandbox EHR.")
        indexed = await index_time(gateway, clients)
        await encode_time(gateway, clients, indexed)
        await sync_to_async(load_knowledge_base)()
        await sync_to_async(Part2Consent.objects.create)(client_id=PART2_CONSENTED)
        await sync_to_async(search_latency)(runs)
        await quality(gateway, show_misses)
        await answer_latency(gateway, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--misses", action="store_true", help="print every question missed")
    args = parser.parse_args()
    if args.runs < 20:
        parser.error("use at least 20 runs")
    settings.CHROMA_PATH = tempfile.mkdtemp(prefix="bench-qa-chroma-")
    setup_databases(verbosity=0, interactive=False)  # a throw-away in-memory database
    asyncio.run(main(args.runs, args.misses))
