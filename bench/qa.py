"""Chart Q&A: index build time, raw encode time, search latency, recall@5, answer latency.

Starts its own sandbox EHR on loopback and an empty embedded Chroma folder, then

- index:   syncs every Synthea patient (13 patients, 1,215 notes plus their
           conditions and medications) through `sync_client` - EHR reads, chunking,
           embedding, Chroma writes, state rows - and times it;
- encode:  times sentence-transformers' own `encode` of exactly the same chunk
           texts in the same process (batch 16 and 64), the floor for indexing;
- search:  p50 / p95 of `chart_search` (query embedding + Chroma query + consent
           check) on the largest Synthea patient (708 notes), over --runs questions;
- recall:  recall@5 of the supporting note for questions derived from the Synthea
           structured data (bench/qa_questions.py), by question kind.

- answer:  p50 / p95 of question → first cited sentence and → whole answer on the
           largest patient, chart read from the EHR included (grounded mode).

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
logging.getLogger("sentence_transformers").setLevel(logging.WARNING)

from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test.utils import setup_databases  # noqa: E402

from bench.qa_questions import recall_at, synthea_questions  # noqa: E402
from copilot.ehr.fhir_r4 import FhirR4Gateway  # noqa: E402
from copilot.qa.answering import answer_stream  # noqa: E402
from copilot.qa.types import AnswerDone, AnswerPart  # noqa: E402
from copilot.retrieval.chunking import chunks_of  # noqa: E402
from copilot.retrieval.embeddings import embed, get_embedder  # noqa: E402
from copilot.retrieval.index import ClientIndex  # noqa: E402
from copilot.retrieval.models import IndexedSource  # noqa: E402
from copilot.retrieval.search import chart_search  # noqa: E402
from copilot.retrieval.sync import sync_client  # noqa: E402
from sandbox.launch import Sandbox  # noqa: E402

LARGEST = "79a66c97-6131-3213-f3c9-4606946ab056"  # 708 notes


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def synthea_clients(gateway: FhirR4Gateway) -> list[str]:
    return [c.id for c in await gateway.clients() if not c.id.startswith("bh-")]


async def index_time(gateway: FhirR4Gateway, clients: list[str]) -> float:
    start = time.perf_counter()
    for client_id in clients:
        await sync_client(gateway, client_id)
    seconds = time.perf_counter() - start
    notes = await IndexedSource.objects.filter(reference__startswith="DocumentReference/").acount()
    entries = await IndexedSource.objects.acount()
    print(f"index:  {len(clients)} patients, {notes} notes, {entries} entries in {seconds:.1f} s")
    return seconds


async def encode_time(gateway: FhirR4Gateway, clients: list[str], indexed: float) -> None:
    texts = []
    for client_id in clients:
        batch = await gateway.index_sources(client_id)
        texts += [f"{c.heading}\n{c.text}" for d in batch.documents for c in chunks_of(d)]
    for batch_size in (16, 64):
        start = time.perf_counter()
        get_embedder().encode(texts, batch_size=batch_size, normalize_embeddings=True)
        seconds = time.perf_counter() - start
        print(
            f"encode: {len(texts)} chunks, batch {batch_size}: {seconds:.1f} s "
            f"({len(texts) / seconds:.0f} chunks/s); index / encode = {indexed / seconds:.2f}"
        )


def search_latency(runs: int) -> None:
    questions = [q.text for q in synthea_questions(per_kind=runs, clients={LARGEST})][:runs]
    chart_search(client_id=LARGEST, question="warm-up")
    times = []
    for question in questions:
        start = time.perf_counter()
        chart_search(client_id=LARGEST, question=question)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"search: largest patient (708 notes), {len(times)} questions: "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms"
    )


def retrieval_recall() -> None:
    questions = synthea_questions()
    found: dict[str, list[bool]] = {}
    for question in questions:
        hits = chart_search(client_id=question.client_id, question=question.text, k=5)
        sources = [h.chunk.source for h in hits]
        found.setdefault(question.kind, []).append(recall_at(5, question, sources))
    every = [x for values in found.values() for x in values]
    by_kind = ", ".join(f"{k} {sum(v) / len(v):.2f} (n={len(v)})" for k, v in found.items())
    overall = f"{sum(every) / len(every):.2f} (n={len(every)})"
    print(f"recall@5 of the supporting note: {overall}; {by_kind}")


async def answer_latency(gateway: FhirR4Gateway, runs: int) -> None:
    """Question → cited answer on the largest patient, as the sidebar runs it: the
    chart read from the EHR, then `answer_stream` (structured, or retrieval and the
    grounded extractive answer) to its first sentence and to AnswerDone."""
    questions = [q.text for q in synthea_questions(per_kind=runs, clients={LARGEST})][:runs]
    retriever = await sync_to_async(ClientIndex)(LARGEST)
    first, done, kinds = [], [], {}
    for question in questions:
        start, seen_first = time.perf_counter(), False
        chart = await gateway.chart(LARGEST)
        async for event in answer_stream(question, chart, retriever, mode="grounded"):
            if isinstance(event, AnswerPart) and not seen_first:
                first.append((time.perf_counter() - start) * 1000)
                seen_first = True
            if isinstance(event, AnswerDone):
                done.append((time.perf_counter() - start) * 1000)
                kinds[event.answer.kind] = kinds.get(event.answer.kind, 0) + 1
    answered = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    print(
        f"answer: largest patient (708 notes), {len(done)} questions ({answered}), "
        f"chart read included: first sentence p50 {statistics.median(first):.0f} ms, "
        f"p95 {percentile(first, 95):.0f} ms; whole answer p50 {statistics.median(done):.0f} ms, "
        f"p95 {percentile(done, 95):.0f} ms"
    )


async def main(runs: int) -> None:
    embed(["warm-up"])  # load the model before timing
    with Sandbox() as sandbox:
        gateway = FhirR4Gateway(sandbox.base_url)
        clients = await synthea_clients(gateway)
        print(f"Chart Q&A retrieval on a {os.cpu_count()}-core CPU, embedded Chroma, sandbox EHR.")
        indexed = await index_time(gateway, clients)
        await encode_time(gateway, clients, indexed)
        await sync_to_async(search_latency)(runs)
        await sync_to_async(retrieval_recall)()
        await answer_latency(gateway, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    if args.runs < 20:
        parser.error("use at least 20 runs")
    settings.CHROMA_PATH = tempfile.mkdtemp(prefix="bench-qa-chroma-")
    setup_databases(verbosity=0, interactive=False)  # a throw-away in-memory database
    asyncio.run(main(args.runs))
