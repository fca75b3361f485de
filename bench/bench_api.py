"""Latency of POST /api/v1/assessments against a no-op route of the same app (a benchmark, not a test).

Usage: python bench/bench_api.py [--seconds 3] [--connections 1,8] [--rounds 5] [--tool wrk|httpx]

Starts uvicorn (one worker, no access log) on a free 127.0.0.1 port, then fires the same load at
POST /api/v1/noop (reads the body, answers a constant; same middleware) and at
POST /api/v1/assessments with the same intake body, in alternating rounds. Prints p50 and p99 per
route (the median over the rounds) and their ratio; the target is a ratio of at most 1.5. Where
there are two CPUs or more, the server and wrk are pinned to different CPUs.

With Debian's ``wrk`` (``apt-get install wrk``) the load is wrk's: fixed duration, fixed
connections. Without it, an httpx fallback sends a fixed number of requests with fixed concurrency
(its own client overhead then weighs on both routes alike). Loopback only; bounded in time and count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

BODY: dict[str, Any] = {
    "age": 47, "duration_days": 12, "pain_score": 7, "pain_trend": "stable", "pain_at_rest": False,
    "night_pain": True, "radiation": "below_knee", "leg_pain_both_sides": False, "numbness_tingling": "one_leg",
    "leg_weakness": "none", "saddle_numbness": False, "bladder_problems": False, "bowel_incontinence": False,
    "trauma": "none", "unexplained_weight_loss": False, "fever": False, "cancer_history": False,
    "sudden_severe_constant_pain": False, "recent_spinal_procedure": False, "first_episode": False,
    "risk_factors": ["sedentary_work", "little_exercise"],
}
ROUTES = {"noop": "/api/v1/noop", "assessments": "/api/v1/assessments?lang=en&date=2026-11-25"}
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT {\\"p50_us\\": %%d, \\"p99_us\\": %%d, \\"requests\\": %%d, \\"errors\\": %%d}\\n",
    latency:percentile(50), latency:percentile(99), summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(cpu: int) -> Any:
    """Run a child on one CPU (server and load generator apart), where the platform allows it."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return None
    return lambda: os.sched_setaffinity(0, {cpus[cpu]})


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "--factory", "rugwijzer.http.web.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning", "--workers", "1"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=pinned(0))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("uvicorn did not start")


def run_wrk(url: str, seconds: int, connections: int, script: Path) -> dict[str, float]:
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True,
                            preexec_fn=pinned(1)).stdout
    line = next(ln for ln in output.splitlines() if ln.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    return {"p50_ms": result["p50_us"] / 1000, "p99_ms": result["p99_us"] / 1000,
            "rps": result["requests"] / seconds, "errors": result["errors"]}


def run_httpx(url: str, count: int, connections: int) -> dict[str, float]:
    body = json.dumps(BODY).encode()

    async def main() -> tuple[list[float], int, float]:
        latencies: list[float] = []
        errors = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(count):
            queue.put_nowait(n)
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(limits=limits, headers={"Content-Type": "application/json"}) as client:
            async def worker() -> None:
                nonlocal errors
                while not queue.empty():
                    queue.get_nowait()
                    start = time.perf_counter()
                    response = await client.post(url, content=body)
                    latencies.append(time.perf_counter() - start)
                    errors += response.status_code != 200
            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
            return latencies, errors, time.perf_counter() - began

    latencies, errors, elapsed = asyncio.run(main())
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000, "rps": count / elapsed, "errors": errors}


def measure(args: argparse.Namespace, base: str, script: Path, connections: int) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {name: [] for name in ROUTES}
    for _ in range(args.rounds):
        for name, path in ROUTES.items():
            if args.tool == "wrk":
                results[name].append(run_wrk(base + path, args.seconds, connections, script))
            else:
                results[name].append(run_httpx(base + path, args.count, connections))
    return results


def report(results: dict[str, list[dict[str, float]]], args: argparse.Namespace, connections: int) -> None:
    load = (f"wrk (1 thread), {connections} connection(s), {args.seconds} s per round" if args.tool == "wrk"
            else f"httpx, {args.count} requests per round, concurrency {connections}")
    print(f"{load}; {args.rounds} rounds; median over rounds")
    summary = {}
    for name, rounds in results.items():
        summary[name] = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        s = summary[name]
        print(f"  POST {ROUTES[name].split('?')[0]:<22} p50 {s['p50_ms']:7.2f} ms   p99 {s['p99_ms']:7.2f} ms   "
              f"{s['rps']:8.0f} req/s   errors {s['errors']:.0f}")
    p50 = summary["assessments"]["p50_ms"] / summary["noop"]["p50_ms"]
    p99 = summary["assessments"]["p99_ms"] / summary["noop"]["p99_ms"]
    verdict = "within" if max(p50, p99) <= 1.5 else "ABOVE"
    print(f"  ratio assessments/noop: p50 {p50:.2f}, p99 {p99:.2f} ({verdict} the 1.5 target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=3, help="wrk: duration of each round")
    parser.add_argument("--count", type=int, default=3000, help="httpx: requests per round")
    parser.add_argument("--connections", default="1,8",
                        help="comma-separated loads: 1 is latency alone, 8 saturates one server process")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tool", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        check = httpx.post(base + ROUTES["assessments"], json=BODY, timeout=5)
        check.raise_for_status()
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "post.lua"
            script.write_text(WRK_SCRIPT % json.dumps(BODY), encoding="utf-8")
            print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
                  f"{os.getloadavg()[0]:.1f} at the start")
            for connections in (int(c) for c in args.connections.split(",")):
                report(measure(args, base, script, connections), args, connections)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
