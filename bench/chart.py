"""Sidebar chart assembly: p50/p95 over repeated runs, against a naive baseline.

Starts its own sandbox EHR on loopback, then for the largest Synthea patient (708
notes) and a behavioral-health client measures, over RUNS runs each:

- gateway:  FhirR4Gateway.chart() - the concurrent FHIR reads plus validation and
            assembly into a ChartContext;
- view:     GET of the sidebar's chart partial through Django (gateway + template);
- baseline: the same FHIR searches fetched one after another with httpx over one
            kept-alive connection, without parsing (what a naive client would do).

Each is run with the sandbox answering at once (loopback) and again with an added
delay per response (--latency-ms, default 50), standing in for the network and
database time of a real EHR. The sandbox is one Node process doing in-memory
searches, so on loopback its CPU time dominates and concurrent reads cannot overlap;
with latency they do.

Usage: python bench/chart.py [--runs 30] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402
import httpx  # noqa: E402

django.setup()
logging.getLogger("httpx").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.test import AsyncClient  # noqa: E402

from copilot.ehr.fhir_r4 import FhirR4Gateway, chart_searches  # noqa: E402
from sandbox.launch import Sandbox  # noqa: E402

CLIENTS = {
    "Synthea, 708 notes": "79a66c97-6131-3213-f3c9-4606946ab056",
    "behavioral health": "bh-001",
}


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def timed(call, runs: int) -> list[float]:
    await call()  # warm-up: imports, connection set-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def sequential_baseline(base_url: str, client_id: str):
    """The chart's searches awaited one after another on one kept-alive connection."""
    plan = chart_searches(client_id, now=datetime.now(tz=UTC), notes_count=5)
    http = httpx.AsyncClient(base_url=base_url + "/", headers={"Accept": "application/fhir+json"})

    async def fetch_all() -> None:
        for search in plan.values():
            params = {"_count": 100, **search.params}
            (await http.get(search.resource_type, params=params)).raise_for_status()

    return fetch_all


def set_latency(sandbox: Sandbox, latency_ms: int) -> None:
    url = f"http://127.0.0.1:{sandbox.port}/_sandbox/config"
    httpx.post(url, json={"delayMs": latency_ms}).raise_for_status()


async def main(runs: int, latency_ms: int) -> None:
    with Sandbox() as sandbox:
        settings.FHIR_BASE_URL = sandbox.base_url
        gateway = FhirR4Gateway(sandbox.base_url)
        web = AsyncClient()
        print(f"Chart assembly, {runs} runs each (ms). Sandbox EHR on loopback, 2-core machine.")
        print(
            f"{'client':<22}{'EHR delay':<11}{'measure':<10}{'p50':>8}{'p95':>8}{'vs baseline':>13}"
        )
        for (label, client_id), delay in itertools.product(CLIENTS.items(), (0, latency_ms)):
            set_latency(sandbox, delay)

            async def chart(client_id=client_id):
                await gateway.chart(client_id)

            async def view(client_id=client_id):
                url = f"/sidebar/{client_id}/chart/"
                response = await web.get(url, headers={"HX-Request": "true"})
                assert response.status_code == 200, response.status_code

            results = {
                "baseline": await timed(sequential_baseline(sandbox.base_url, client_id), runs),
                "gateway": await timed(chart, runs),
                "view": await timed(view, runs),
            }
            base = statistics.median(results["baseline"])
            for name, values in results.items():
                p50, p95 = statistics.median(values), percentile(values, 95)
                print(
                    f"{label:<22}{f'{delay} ms':<11}{name:<10}{p50:>8.1f}{p95:>8.1f}"
                    f"{p50 / base:>12.2f}x"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    if args.runs < 20:
        parser.error("use at least 20 runs")
    asyncio.run(main(args.runs, args.latency_ms))
