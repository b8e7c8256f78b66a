"""The yearly activity report on `seed_demo --scale 10` data: gathering the figures
against rendering the PDF.

Seeds a throwaway database (SQLite, or PostgreSQL with --postgres; analysed after the
load), then times, several times each (the median is printed), `key_figures` for the
current year (every figure of the report, evaluations.figures) and `report_pdf` (the
WeasyPrint rendering of those figures, charts included), with the SQL query count of the
gathering. Goal: gathering takes less than rendering, and the whole report under 10 s on
a 2-core machine.

    .venv/bin/python benchmarks/report.py [--scale 10] [--repeat 3] [--keep var/report.pdf]
    .venv/bin/python benchmarks/report.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pages import setup_django, throwaway_database  # noqa: E402


def timed(function, repeat: int):
    """Median wall-clock and CPU seconds of `repeat` calls, and the last result. CPU time
    (this process's) tells what the report costs when other work shares the machine."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return (statistics.median(walls), statistics.median(cpus)), result


def page_count(pdf: bytes) -> str:
    """Pages of the PDF, by poppler's pdfinfo when it is installed."""
    import shutil
    import subprocess

    if not shutil.which("pdfinfo"):
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout
    found = re.search(rb"^Pages:\s+(\d+)", info, re.MULTILINE)
    return found.group(1).decode() if found else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose server may create databases")
    parser.add_argument("--keep", help="write the rendered PDF to this path")
    args = parser.parse_args()
    with throwaway_database(args.postgres) as url:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import translation

        translation.activate("fr")
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        call_command("seed_demo", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        seeded = time.perf_counter() - start

        from evaluations.figures import Period, key_figures
        from evaluations.models import ActivityReport
        from evaluations.reports import report_pdf

        period = Period.current_year()
        report = ActivityReport(period_start=period.start, period_end=period.end)
        report_pdf(report, key_figures(period))  # warm-up: WeasyPrint's import, fonts
        with CaptureQueriesContext(connection) as queries:
            key_figures(period)
        gather, figures = timed(lambda: key_figures(period), args.repeat)
        render, pdf = timed(lambda: report_pdf(report, figures), args.repeat)
        vendor = connection.vendor
        pages = page_count(pdf)
        if args.keep:
            Path(args.keep).write_bytes(pdf)
            Path(args.keep).with_suffix(".json").write_text(json.dumps(figures))
    members = figures["members"]
    print(
        f"report benchmark: {vendor}, seed_demo --scale {args.scale} ({seeded:.0f} s to seed), "
        f"period {period.start} to {period.end}, median of {args.repeat}"
    )
    print(
        f"data: {members['organizations']} organisations, {figures['events']['events']} events, "
        f"{figures['events']['participants']} participants, {figures['dossiers']['dossiers']} "
        f"dossiers, {figures['experiments']['experiments']} experiments"
    )
    (gather, gather_cpu), (render, render_cpu) = gather, render
    print(f"{'step':<24}{'wall s':>8}{'CPU s':>8}")
    print(f"{'gather the figures':<24}{gather:>8.3f}{gather_cpu:>8.3f}   ({len(queries)} queries)")
    print(
        f"{'render the PDF':<24}{render:>8.3f}{render_cpu:>8.3f}"
        f"   ({pages} pages, {len(pdf) // 1024} KB)"
    )
    print(f"{'whole report':<24}{gather + render:>8.3f}{gather_cpu + render_cpu:>8.3f}")
    print(f"{'gather / render':<24}{gather / render:>8.2f}{gather_cpu / render_cpu:>8.2f}")
    verdict = "met" if gather < render and gather + render < 10 else "NOT met"
    print(f"goal (gather < render, whole < 10 s, wall clock): {verdict}")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} (1 min), {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
