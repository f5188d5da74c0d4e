"""Sidebar chart assembly: p50/p95 over repeated runs, against a naive baseline.

Starts its own sandbox EHR on loopback, then for the largest Synthea patient (708
notes) and a behavioral-health client measures, over RUNS runs each:

- gateway:  FhirR4Gateway.chart() - the concurrent FHIR reads plus validation and
            assembly into a ChartContext;
- view:     GET of the sidebar's chart partial through Django (gateway + template);
- baseline: the same FHIR searches fetched one after another with httpx over one
            kept-alive connection, without parsing (what a naive client would do).

Usage: python bench/chart.py [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
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


def sequential_baseline(base_url: str, client_id: str) -> callable:
    plan = chart_searches(client_id, now=datetime.now(tz=UTC), notes_count=5)
    http = httpx.Client(base_url=base_url + "/", headers={"Accept": "application/fhir+json"})

    async def fetch_all() -> None:
        for search in plan.values():
            http.get(search.resource_type, params={"_count": 100, **search.params}).raise_for_status()

    return fetch_all


async def main(runs: int) -> None:
    with Sandbox() as sandbox:
        settings.FHIR_BASE_URL = sandbox.base_url
        gateway = FhirR4Gateway(sandbox.base_url)
        web = AsyncClient()
        print(f"Chart assembly, {runs} runs each (ms). Sandbox EHR on loopback, 2-core machine.")
        print(f"{'client':<22}{'measure':<10}{'p50':>8}{'p95':>8}{'ratio p50':>11}")
        for label, client_id in CLIENTS.items():

            async def chart(client_id=client_id):
                await gateway.chart(client_id)

            async def view(client_id=client_id):
                response = await web.get(f"/sidebar/{client_id}/chart/", headers={"HX-Request": "true"})
                assert response.status_code == 200, response.status_code

            results = {
                "baseline": await timed(sequential_baseline(sandbox.base_url, client_id), runs),
                "gateway": await timed(chart, runs),
                "view": await timed(view, runs),
            }
            base = statistics.median(results["baseline"])
            for name, values in results.items():
                p50, p95 = statistics.median(values), percentile(values, 95)
                print(f"{label:<22}{name:<10}{p50:>8.1f}{p95:>8.1f}{p50 / base:>10.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if args.runs < 20:
        parser.error("use at least 20 runs")
    asyncio.run(main(args.runs))
