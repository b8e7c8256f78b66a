"""The fault drills of benchmarks/faults.py, reduced (issue 13): a worker SIGKILLed mid-batch
and Redis stopped without saving, 100 reminders and a mailing each, on the drills' own
PostgreSQL, Redis, SMTP sink, worker, beat and gunicorn (loopback, spare ports), with
the short timings of `--timings ci`. Every e-mail must reach the sink exactly once,
nothing may stay "sending", /healthz must report the broker outage, and the activity
report asked for while the broker was down must end ready.

About 90 s: it runs in CI's PostgreSQL run (REQUIRE_SERVICES=1), where a missing
PostgreSQL server binary or redis-server is a failure; the newcomer's run skips it.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from service_checks import require, services_required

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "faults.py"


def faults_module():
    spec = importlib.util.spec_from_file_location("benchmarks_faults", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.services
@pytest.mark.timeout(240)
def test_worker_kill_and_redis_restart_deliver_every_email_once(tmp_path):
    if not services_required():
        pytest.skip("the fault drills run with REQUIRE_SERVICES=1 (CI's PostgreSQL run)")
    missing = faults_module().prerequisites()
    require("the fault drills' services", not missing, "; ".join(missing))
    out = tmp_path / "drills.json"
    command = [sys.executable, str(SCRIPT), "--drills", "ab", "--count", "100",
               "--timings", "ci", "--redis-down", "5", "--budget", "200",
               "--drill-timeout", "120", "--json", str(out)]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=230, env=os.environ)
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads(out.read_text())
    results = summary["results"]
    details = json.dumps(summary, indent=1)[-6000:]
    assert run.returncode == 0 and summary["ok"], details
    for key in ("a", "b"):
        r = results[key]
        assert r["rows"] == 200 and r["once"] == 200, details  # 100 reminders, a mailing of 100
        assert (r["twice"], r["missing"], r["left_sending"], r["failed"]) == (0, 0, 0, 0)
    assert "broker" in results["b"]["healthz_during"], details
    assert results["b"]["report"].startswith("ready"), details  # asked while Redis was down
