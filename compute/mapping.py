"""Verifications <-> quads: each one a PROV activity (cg:Verification) that cg:verifies its claim,
prov:used the claims it read, and prov:wasAssociatedWith its verifier (a cg:Verifier, a prov:SoftwareAgent).
One named graph per source file holds that file's verifications, so a re-run replaces them atomically."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Quad

from compute.models import Environment, Plot, ReasonCode, Tolerance, Verdict, Verification, VerificationInput
from compute.registry import Verifier
from kg.iris import claim_iri, graph_iri, key_from_iri, verification_iri, verifier_iri
from kg.ontology import cg, dcterms, prov, rdf, rdfs, xsd
from kg.store import GraphStore

SUFFIX = "/verifications"

VERIFICATIONS = """
SELECT ?v ?claimId ?verifier ?verdict ?reason ?claimed ?claimedValue ?recomputed ?low ?high ?tolerance ?loose
       ?toleranceReason ?comparator ?method ?message ?inputs ?environment ?plot ?started ?ended ?g WHERE {
  GRAPH ?g {
    ?v a cg:Verification ; cg:verifies ?claim ; prov:wasAssociatedWith ?agent ; cg:verdict ?verdict ;
       cg:formula ?method ; cg:message ?message ; cg:inputsJson ?inputs ; cg:environmentJson ?environment ;
       prov:startedAtTime ?started ; prov:endedAtTime ?ended ; rdfs:label ?claimed .
    ?agent dcterms:identifier ?verifier .
    OPTIONAL { ?v cg:reasonCode ?reason } OPTIONAL { ?v cg:claimedValue ?claimedValue }
    OPTIONAL { ?v cg:recomputedValue ?recomputed } OPTIONAL { ?v cg:recomputedLow ?low }
    OPTIONAL { ?v cg:recomputedHigh ?high } OPTIONAL { ?v cg:tolerance ?tolerance ; cg:looseTolerance ?loose ;
               cg:toleranceReason ?toleranceReason ; cg:comparator ?comparator }
    OPTIONAL { ?v cg:plotJson ?plot }
  }
  ?claim dcterms:identifier ?claimId .
}
"""


def verification_graph_iri(source: str) -> str:
    """<https://claimgraph.dev/id/graph/<source>/verifications>: a source file's verifications."""
    return graph_iri(source) + SUFFIX


def source_of_graph(iri: str) -> str | None:
    return key_from_iri(iri, "graph").removesuffix(SUFFIX) if iri.endswith(SUFFIX) else None


def _double(value: float | None) -> Literal | None:
    return None if value is None else Literal(float(value))


def verification_quads(verification: Verification, verifier: Verifier, graph: NamedNode) -> list[Quad]:
    node = NamedNode(verification_iri(verification.claim_id, verification.verifier))
    agent = NamedNode(verifier_iri(verifier.id))
    tolerance = verification.tolerance
    dumps = lambda value: json.dumps(value, sort_keys=True, ensure_ascii=False)
    objects: list[tuple[NamedNode, Literal | NamedNode | None]] = [
        (rdf.type, cg.Verification),
        (cg.verifies, NamedNode(claim_iri(verification.claim_id))),
        (prov.wasAssociatedWith, agent),
        (rdfs.label, Literal(verification.claimed)),
        (cg.verdict, Literal(verification.verdict.value)),
        (cg.reasonCode, Literal(verification.reason.value) if verification.reason else None),
        (cg.claimedValue, _double(verification.claimed_value)),
        (cg.recomputedValue, _double(verification.recomputed)),
        (cg.recomputedLow, _double(verification.recomputed_low)),
        (cg.recomputedHigh, _double(verification.recomputed_high)),
        (cg.tolerance, _double(tolerance.strict) if tolerance else None),
        (cg.looseTolerance, _double(tolerance.loose) if tolerance else None),
        (cg.toleranceReason, Literal(tolerance.reason) if tolerance else None),
        (cg.comparator, Literal(tolerance.comparator) if tolerance else None),
        (cg.formula, Literal(verification.method)),
        (cg.message, Literal(verification.message)),
        (cg.inputsJson, Literal(dumps([i.model_dump(mode="json") for i in verification.inputs]))),
        (cg.environmentJson, Literal(dumps(verification.environment.model_dump(mode="json")))),
        (cg.plotJson, Literal(dumps(verification.plot.model_dump(mode="json"))) if verification.plot else None),
        (prov.startedAtTime, Literal(verification.started, datatype=xsd.dateTime)),
        (prov.endedAtTime, Literal(verification.ended, datatype=xsd.dateTime)),
    ]
    objects += [(prov.used, NamedNode(claim_iri(i.claim_id))) for i in verification.inputs
                if i.claim_id and i.claim_id != verification.claim_id]
    quads = [Quad(node, p, o, graph) for p, o in objects if o is not None]
    quads += [Quad(agent, rdf.type, cg.Verifier, graph), Quad(agent, rdf.type, prov.SoftwareAgent, graph),
              Quad(agent, dcterms.identifier, Literal(verifier.id), graph),
              Quad(agent, rdfs.label, Literal(verifier.title), graph),
              Quad(agent, rdfs.comment, Literal(verifier.description), graph)]
    return quads


def write_verifications(store: GraphStore, source: str, pairs: Iterable[tuple[Verification, Verifier]]) -> int:
    """Replace a source file's verification graph with these verifications, in one transaction."""
    graph = NamedNode(verification_graph_iri(source))
    quads = list({q: None for v, verifier in pairs for q in verification_quads(v, verifier, graph)})
    store.replace_graph(graph.value, quads)
    return len(quads)


def _tolerance(row: dict[str, str]) -> Tolerance | None:
    if "tolerance" not in row:
        return None
    return Tolerance(comparator=row["comparator"], claimed_low=None, claimed_high=None, strict=float(row["tolerance"]),
                     loose=float(row["loose"]), reason=row["toleranceReason"])


def _float(row: dict[str, str], name: str) -> float | None:
    return float(row[name]) if name in row else None


def verifications_from_store(store: GraphStore) -> list[Verification]:
    """Every verification in the store, ordered by source, claim and verifier."""
    found = []
    for row in store.select(VERIFICATIONS):
        source = source_of_graph(row["g"])
        if source is None:
            continue
        found.append(Verification(
            claim_id=row["claimId"], source=source, verifier=row["verifier"], verdict=Verdict(row["verdict"]),
            reason=ReasonCode(row["reason"]) if "reason" in row else None, claimed=row["claimed"],
            claimed_value=_float(row, "claimedValue"), recomputed=_float(row, "recomputed"),
            recomputed_low=_float(row, "low"), recomputed_high=_float(row, "high"), tolerance=_tolerance(row),
            method=row["method"], message=row["message"],
            inputs=[VerificationInput(**i) for i in json.loads(row["inputs"])],
            plot=Plot(**json.loads(row["plot"])) if "plot" in row else None,
            environment=Environment(**json.loads(row["environment"])), started=row["started"], ended=row["ended"],
        ))
    return sorted(found, key=lambda v: (v.source, v.claim_id, v.verifier))
