"""Cross-checks of a knowledge base that its models cannot make one entry at a time: ids unique,
every cited source known, every referred flag and destination present, the ids the intake
contract needs all there. Run by the loader (:func:`rugwijzer.knowledge.build`), before the engine
compiles the conditions; the engine itself assumes a checked knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rugwijzer.core.errors import KnowledgeBaseError

if TYPE_CHECKING:
    from rugwijzer.core.knowledge import KnowledgeBase


def _unique(filename: str, ids: list[str]) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise KnowledgeBaseError(f"{filename}: repeated id(s) {repeated}")


def check_consistency(kb: KnowledgeBase) -> None:
    """Raise KnowledgeBaseError naming the file and entry of the first inconsistency."""
    from rugwijzer.core.intake import RISK_FACTORS, StartBackAnswers
    from rugwijzer.core.knowledge import URGENCIES

    flag_ids = {f.id for f in kb.flags}
    _unique("flags.yaml", [f.id for f in kb.flags])
    for cause in kb.causes:
        unknown = set(cause.flags) - flag_ids
        if unknown:
            raise KnowledgeBaseError(f"causes.yaml: {cause.id}: unknown flag(s) {sorted(unknown)}")
    known = {r.key for r in kb.meta.references}
    cited: list[tuple[str, str, str]] = [
        *(("flags.yaml", f.id, f.source) for f in kb.flags),
        *(("plan.yaml", p.id, p.source) for p in kb.plan.items),
        *(("avoid.yaml", a.id, a.source) for a in kb.avoid.items),
        *(("tips.yaml", t.id, t.source) for t in kb.tips.items),
        *(("meta.yaml", e.id, e.source) for e in kb.meta.episodes),
        *(("messages.yaml", m.id, m.source) for m in kb.messages.milestones),
        ("medication.yaml", "medication", kb.medication.source),
        *(("medication.yaml", c.id, c.source)
          for c in (*kb.medication.cautions, *kb.medication.paracetamol_cautions)),
        ("messages.yaml", "prognosis", kb.messages.prognosis_source),
        ("startback.yaml", "startback", kb.startback.source),
        *(("differences.yaml", d.id, d.source) for d in kb.differences),
        *(("risk_factors.yaml", key, r.source) for key, r in kb.risk_factors.items()),
    ]
    for filename, entry, source in cited:
        keys = kb.source_keys(source)
        if not keys or set(keys) - known:
            raise KnowledgeBaseError(f"{filename}: {entry}: source {source!r} cites no known reference "
                                     f"(known: {sorted(known)})")
    for name, ids in (("plan.yaml", [p.id for p in kb.plan.items]),
                      ("avoid.yaml", [a.id for a in kb.avoid.items]),
                      ("tips.yaml", [t.id for t in kb.tips.items]),
                      ("causes.yaml", [c.id for c in kb.causes])):
        _unique(name, ids)
    expected = {*RISK_FACTORS, "pregnancy"}  # the intake's ids, plus pregnancy (contract §2)
    if set(kb.risk_factors) != expected:
        raise KnowledgeBaseError(f"risk_factors.yaml: expected exactly {sorted(expected)}")
    destinations = {d.id for d in kb.messages.destinations}
    wanted = ({f.destination for f in kb.flags if f.destination}
              | {u.destination for u in kb.messages.urgencies})
    if wanted - destinations:
        raise KnowledgeBaseError(f"messages.yaml: destinations lack {sorted(wanted - destinations)}")
    if {u.id for u in kb.messages.urgencies} != set(URGENCIES):
        raise KnowledgeBaseError(f"messages.yaml: urgencies must be exactly {list(URGENCIES)}")
    if not kb.meta.episodes or kb.meta.episodes[-1].max_days is not None:
        raise KnowledgeBaseError("meta.yaml: episodes must end with one without max_days")
    items = {i.key for i in kb.startback.items} | {"bothersomeness"}
    if items != set(StartBackAnswers.model_fields):
        raise KnowledgeBaseError(f"startback.yaml: items must be exactly {sorted(StartBackAnswers.model_fields)}")
