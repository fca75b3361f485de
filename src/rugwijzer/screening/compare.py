"""The screening keys (contract §5) of one ``rugwijzer assess --jsonl`` answer line: what a screening
row must equal. Used by the differential tests and by the benchmark's check on a sample."""

from __future__ import annotations

from typing import Any

# Compared exactly; ``error`` is compared for being there or not (its text is a compact SQL form).
KEYS: tuple[str, ...] = (
    "urgency", "complete", "episode", "flags", "flag_levels", "suspected",
    "startback_total", "startback_psychosocial", "startback_risk",
    "medication_first_choice", "medication_paracetamol", "medication_paracetamol_cautions",
    "medication_nsaid", "medication_nsaid_cautions",
    "plan", "plan_emphasis", "avoid", "tips", "risk_factors", "knowledge_version", "error_fields",
)


def _empty_row(version: str | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(KEYS)
    row["knowledge_version"] = version
    return row


def expected_keys(line: dict[str, Any], version: str) -> dict[str, Any]:
    """The screening keys for one JSON answer line of ``assess --jsonl``."""
    if "error" in line:
        error = line["error"]
        row = _empty_row(version)
        row["error_fields"] = list(error["fields"])
        emergency = error.get("emergency")
        if emergency:
            ids = sorted(f["id"] for f in emergency["flags"])
            row.update(urgency="emergency", complete=False, flags=ids, flag_levels=dict.fromkeys(ids, "emergency"))
        return row
    med = line["medication"] or {}
    sb = line["startback"] or {}
    row = {
        "urgency": line["urgency"],
        "complete": line["complete"],
        "episode": line["episode"],
        "flags": sorted(f["id"] for f in line["flags"]),
        "flag_levels": {f["id"]: f["level"] for f in line["flags"]},
        "suspected": [s["id"] for s in line["suspected"]],
        "startback_total": sb.get("total"),
        "startback_psychosocial": sb.get("psychosocial"),
        "startback_risk": sb.get("risk"),
        **{f"medication_{k}": med.get(k) for k in
           ("first_choice", "paracetamol", "paracetamol_cautions", "nsaid", "nsaid_cautions")},
        "plan": [p["id"] for p in line["plan"]],
        "plan_emphasis": ({p["id"]: p["emphasis"] for p in line["plan"] if p.get("emphasis")}
                          if line["complete"] else None),
        "avoid": [a["id"] for a in line["avoid"]],
        "tips": [t["id"] for t in line["tips"]],
        "risk_factors": list(line["risk_factors"]),
        "knowledge_version": line["knowledge_version"],
        "error_fields": None,
    }
    return row


def actual_keys(row: dict[str, Any]) -> dict[str, Any]:
    """The same keys from a screening output row (maps may come back as dicts or pairs)."""
    out = {k: row[k] for k in KEYS}
    for key in ("flag_levels", "plan_emphasis"):  # structs: a member per id, NULL where not given
        value = out[key]
        if value is not None:
            out[key] = {k: v for k, v in dict(value).items() if v is not None}
    for key, value in out.items():
        if isinstance(value, tuple):
            out[key] = list(value)
    return out
