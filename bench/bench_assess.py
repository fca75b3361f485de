"""Throughput of the assessment path on generated intakes (a benchmark, not a test).

Usage: python bench/bench_assess.py [--n 100000] [--seed 7]

Prints intakes per second for: validation alone (JSON text → Intake), the engine alone (validated
intake → Assessment), texts and JSON output alone, and the whole `rugwijzer assess --jsonl` command
(a subprocess reading a file, start-up included). Runs on one core: the process does not fork workers.

Each in-process part streams like the command does (nothing kept), over inputs made beforehand and
frozen out of the garbage collector's view (``gc.freeze``), so no part pays for scanning 100,000
retained objects that the command never holds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from rugwijzer.core.engine import Engine
from rugwijzer.core.intake import RISK_FACTORS, STARTBACK_KEYS
from rugwijzer.core.validation import load_json_object, parse_intake
from rugwijzer.knowledge import load_knowledge
from rugwijzer.services.assessing import Assessor

BOOLEANS = ["pain_at_rest", "night_pain", "leg_pain_both_sides", "saddle_numbness", "bladder_problems",
            "bowel_incontinence", "unexplained_weight_loss", "fever", "cancer_history",
            "sudden_severe_constant_pain", "recent_spinal_procedure"]
OPTIONAL = ["seen_doctor_this_episode", "long_term_steroids", "osteoporosis", "blood_thinners",
            "off_work_because_of_pain", "morning_stiffness_over_30min", "better_with_exercise_not_rest"]


def generate(n: int, seed: int) -> list[str]:
    """Valid intakes with realistic skew: most answers to alarm questions are "no"."""
    rnd = random.Random(seed)
    lines = []
    for _ in range(n):
        age = rnd.randint(16, 90)
        data: dict[str, Any] = {
            "age": age, "duration_days": rnd.choice([rnd.randint(0, 42), rnd.randint(0, 400)]),
            "pain_score": rnd.randint(0, 10), "pain_trend": rnd.choice(["improving", "stable", "worsening"]),
            "radiation": rnd.choice(["none", "none", "buttock", "thigh", "below_knee", "toes"]),
            "numbness_tingling": rnd.choice(["none"] * 8 + ["one_leg", "both_legs"]),
            "leg_weakness": rnd.choice(["none"] * 10 + ["one_leg", "both_legs"]),
            "trauma": rnd.choice(["none"] * 8 + ["minor", "major"]),
            **{b: rnd.random() < 0.08 for b in BOOLEANS},
        }
        for name in OPTIONAL:
            if rnd.random() < 0.3:
                data[name] = rnd.random() < 0.3
        if rnd.random() < 0.4:
            data["risk_factors"] = rnd.sample(RISK_FACTORS, rnd.randint(0, 3))
        if rnd.random() < 0.3:
            data["startback"] = {k: rnd.random() < 0.4 for k in STARTBACK_KEYS if k != "bothersomeness"}
            data["startback"]["bothersomeness"] = rnd.choice(["not_at_all", "slightly", "moderately",
                                                              "very_much", "extremely"])
        lines.append(json.dumps(data))
    return lines


def rate(label: str, n: int, seconds: float) -> float:
    per_second = n / seconds
    print(f"{label:<44} {per_second:>10,.0f} intakes/s  ({seconds * 1e6 / n:6.1f} µs each)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    lines = generate(args.n, args.seed)
    kb = load_knowledge()
    engine, assessor, today = Engine(kb), Assessor(kb), date(2026, 11, 25)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.n:,} intakes")

    # Inputs for each part are made first, untimed, and frozen out of the collector's view.
    parsed = [parse_intake(load_json_object(line)) for line in lines]
    assessments = [engine.assess(p, today) for p in parsed]
    explain = assessor.explainer("nl", "be").explain
    gc.collect()
    gc.freeze()

    start = time.perf_counter()
    for line in lines:
        parse_intake(load_json_object(line))
    validation = rate("validation (JSON text → Intake)", args.n, time.perf_counter() - start)

    start = time.perf_counter()
    for p in parsed:
        engine.assess(p, today)
    core = rate("engine alone (Intake → Assessment)", args.n, time.perf_counter() - start)

    start = time.perf_counter()
    for a in assessments:
        orjson.dumps(explain(a))
    rate("texts + JSON output (Assessment → line)", args.n, time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "intakes.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [str(Path(sys.executable).with_name("rugwijzer")), "assess", "--jsonl", str(path)]
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        whole = rate("whole `rugwijzer assess --jsonl` (start-up incl.)", args.n, time.perf_counter() - start)
        if done.returncode != 0:
            print(f"warning: exit status {done.returncode}")
    print(f"engine/validation cost ratio: {validation / core:.2f} (target ≤ 1.00); "
          f"whole path {whole:,.0f}/s (target 20,000/s)")


if __name__ == "__main__":
    main()
