"""networkx projection of the graph: entity co-mention edges and paper citation edges, and neighbourhoods."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations

import networkx as nx
from pydantic import BaseModel, ConfigDict

from kg.ontology import CG
from kg.sparql import CITATIONS, DOCUMENT_MENTIONS, NODE_LABELS, SENTENCE_MENTIONS
from kg.store import GraphStore

# Edge attributes: how many sentences and documents mention both ends, and citations between them.
# weight = sentences + documents + citations, so a pair sharing a sentence outweighs one sharing only a document.
EDGE_COUNTS = ("sentences", "documents", "citations")
_DOCUMENT_TYPES = {"Article", "ListingEntry", "ArxivAbstract"}


class Neighbour(BaseModel):
    model_config = ConfigDict(frozen=True)

    iri: str
    label: str | None
    type: str | None  # local name of the node's class: "Model", "Paper", "Article", ...
    weight: float  # weight of the strongest edge reaching it from the previous ring
    depth: int  # 1 for direct neighbours


class NodeNotFound(LookupError):
    """The IRI is not a node of the projection (unknown, or never mentioned nor cited)."""

    def __init__(self, iri: str) -> None:
        super().__init__(f"no node {iri!r} in the projection")
        self.iri = iri


def _pairs(groups: Iterable[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Counts, over groups (sentences or documents), the pairs of distinct members sharing a group."""
    members: dict[str, set[str]] = {}
    for group, member in groups:
        members.setdefault(group, set()).add(member)
    counts: Counter[tuple[str, str]] = Counter()
    for group_members in members.values():
        counts.update(combinations(sorted(group_members), 2))
    return counts


def build_projection(store: GraphStore) -> nx.Graph:
    """An undirected graph keyed by IRI; nodes carry label and type, edges the EDGE_COUNTS and a weight.

    Citation edges join the papers a document presents (or the document itself, for articles) to the papers
    its bibliography refers to; their direction is kept in the edge's ``cites`` attribute as (citing, cited).
    """
    counts = {
        "sentences": _pairs((r["sentence"].value, r["entity"].value) for r in store.query(SENTENCE_MENTIONS)),
        "documents": _pairs((r["doc"].value, r["entity"].value) for r in store.query(DOCUMENT_MENTIONS)),
        "citations": Counter((r["citing"].value, r["cited"].value) for r in store.query(CITATIONS)),
    }
    graph = nx.Graph()
    for row in store.query(NODE_LABELS):
        node_type = row["type"].value.removeprefix(str(CG))
        name = row["name"]
        graph.add_node(row["node"].value, label=name.value if name is not None else None, type=node_type)
    for kind, pairs in counts.items():
        for (a, b), n in pairs.items():
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, **dict.fromkeys(EDGE_COUNTS, 0), weight=0, cites=[])
            edge = graph.edges[a, b]
            edge[kind] += n
            edge["weight"] += n
            if kind == "citations":
                edge["cites"].append((a, b))
    # documents are only nodes for the citations they make
    graph.remove_nodes_from([n for n, d in graph.degree() if d == 0 and graph.nodes[n]["type"] in _DOCUMENT_TYPES])
    return graph



def neighbourhood(graph: nx.Graph, entity_iri: str, depth: int = 1, limit: int = 20) -> list[Neighbour]:
    """Nodes within ``depth`` hops, nearest ring first, then heaviest edge first; at most ``limit``."""
    if entity_iri not in graph:
        raise NodeNotFound(entity_iri)
    seen = {entity_iri}
    frontier = [entity_iri]
    found: list[Neighbour] = []
    for ring in range(1, depth + 1):
        reached: dict[str, float] = {}
        for node in frontier:
            for other, edge in graph[node].items():
                if other not in seen:
                    reached[other] = max(reached.get(other, 0), edge["weight"])
        seen.update(reached)
        frontier = list(reached)
        found += (
            Neighbour(iri=iri, label=graph.nodes[iri].get("label"), type=graph.nodes[iri].get("type"),
                      weight=weight, depth=ring)
            for iri, weight in reached.items()
        )
    found.sort(key=lambda n: (n.depth, -n.weight, n.iri))
    return found[:limit]
