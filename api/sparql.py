"""The SPARQL 1.1 Protocol endpoint at /sparql: a router around the store's own engine that does the protocol
(api/sparql_request.py), content negotiation through the one format table (api/formats.py), the limits
(api/runner.py), and nothing else. GET without a query answers the service description."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pyoxigraph import BlankNode, NamedNode, QueryBoolean, QuerySolutions, Triple, serialize

from api.deps import ResourcesDep, authorise_write
from api.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, negotiate
from api.models import PROBLEM_RESPONSES
from api.runner import Limits, write_boolean, write_solutions, write_triples
from api.sparql_request import FORM, QUERY, UPDATE, Operation, read_operation, refuse_remote
from kg.ontology import PREFIXES, rdf
from kg.sparql import QueryError
from kg.store import GraphStore, ServedStore, StoreError

router = APIRouter(tags=["SPARQL"])
SD = "http://www.w3.org/ns/sparql-service-description#"
_EXAMPLE = "SELECT ?paper ?title WHERE { ?paper a cg:Paper ; dcterms:title ?title } LIMIT 5"
_DATASET_PARAMETERS = [
    {"name": name, "in": "query", "required": False, "description": description,
     "schema": {"type": "array", "items": {"type": "string", "format": "uri"}}, "style": "form", "explode": True}
    for name, description in (
        ("default-graph-uri", "Graphs whose merge is the query's default graph (default: the union of all)."),
        ("named-graph-uri", "Graphs a GRAPH clause may see (default: all named graphs)."),
    )
]
_QUERY_PARAMETER = {
    "name": "query", "in": "query", "required": False, "schema": {"type": "string"}, "example": _EXAMPLE,
    "description": "A SPARQL 1.1 query; prefixes cg:, oa:, prov:, dcterms:, schema:, skos:, rdf:, rdfs:, owl:, "
                   "xsd: are predeclared. Without it, GET answers the service description.",
}
_RESULTS = {
    "description": "Query results: SPARQL results (SELECT, ASK) or RDF (CONSTRUCT, DESCRIBE; GET without a "
                   "query), in the type the Accept header prefers.",
    "content": {f.media_type: {"schema": {"type": "string"}} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)},
}
_RESULTS["content"]["application/sparql-results+json"]["schema"] = {
    "type": "object", "required": ["head"],
    "properties": {"head": {"type": "object"}, "results": {"type": "object"}, "boolean": {"type": "boolean"}},
}
_RESULTS["content"]["application/ld+json"]["schema"] = {"type": ["array", "object"]}
_RESULTS["content"]["application/sparql-results+json"]["example"] = {
    "head": {"vars": ["paper", "title"]},
    "results": {"bindings": [{"paper": {"type": "uri", "value": "https://claimgraph.dev/id/paper/arxiv-2403.08540"},
                              "title": {"type": "literal", "value": "Language models scale reliably..."}}]},
}
_GET_DOC = {"parameters": [_QUERY_PARAMETER, *_DATASET_PARAMETERS]}
_POST_DOC = {
    "parameters": _DATASET_PARAMETERS,
    "requestBody": {"required": True, "content": {
        FORM: {"schema": {"type": "object", "properties": {
            "query": {"type": "string", "example": _EXAMPLE},
            "update": {"type": "string", "description": "SPARQL Update (needs the write token)."},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
        QUERY: {"schema": {"type": "string", "example": _EXAMPLE}},
        UPDATE: {"schema": {"type": "string", "example": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }"}},
    }},
}
_ANSWERS = {200: _RESULTS, 204: {"description": "Update applied."}, **PROBLEM_RESPONSES}


def answer(store: ServedStore, operation: Operation, accept: str | None, limits: Limits) -> tuple[bytes, Format]:
    """Run a query and write its result in the negotiated format, within the limits (on a worker thread)."""
    result = store.query(operation.text, default_graph=operation.default_graphs,
                         named_graphs=operation.named_graphs)
    try:
        if isinstance(result, QuerySolutions):
            format = negotiate(accept, RESULT_FORMATS)
            return write_solutions(result, format.engine, limits), format
        if isinstance(result, QueryBoolean):
            format = negotiate(accept, RESULT_FORMATS)
            return write_boolean(result, format.engine), format
        format = negotiate(accept, GRAPH_FORMATS)
        return write_triples(result, format.engine, limits), format
    except RuntimeError as error:  # raised by the engine while evaluating, e.g. a type error in an aggregate
        raise QueryError(str(error), operation.text) from error
    except OSError as error:
        raise StoreError(f"query failed: {error}") from error


def describe_service(request: Request, store: GraphStore, writable: bool) -> list[Triple]:
    endpoint = NamedNode(str(request.url.replace(query="")))
    sd = {name: NamedNode(SD + name) for name in (
        "Service", "endpoint", "supportedLanguage", "SPARQL11Query", "SPARQL11Update", "resultFormat", "feature",
        "UnionDefaultGraph", "defaultDataset", "Dataset", "defaultGraph", "Graph", "namedGraph", "NamedGraph",
        "name")}
    dataset, default = BlankNode(), BlankNode()
    triples = [
        Triple(endpoint, rdf.type, sd["Service"]),
        Triple(endpoint, sd["endpoint"], endpoint),
        Triple(endpoint, sd["supportedLanguage"], sd["SPARQL11Query"]),
        Triple(endpoint, sd["feature"], sd["UnionDefaultGraph"]),
        Triple(endpoint, sd["defaultDataset"], dataset),
        Triple(dataset, rdf.type, sd["Dataset"]),
        Triple(dataset, sd["defaultGraph"], default),
        Triple(default, rdf.type, sd["Graph"]),
    ]
    if writable:
        triples.append(Triple(endpoint, sd["supportedLanguage"], sd["SPARQL11Update"]))
    triples += [Triple(endpoint, sd["resultFormat"], NamedNode(f.engine.iri)) for f in (*RESULT_FORMATS, *GRAPH_FORMATS)]
    for graph in store.graphs():
        node = BlankNode()
        triples += [Triple(dataset, sd["namedGraph"], node), Triple(node, rdf.type, sd["NamedGraph"]),
                    Triple(node, sd["name"], NamedNode(graph))]
    return triples


async def _endpoint(request: Request, resources: ResourcesDep) -> Response:
    settings = resources.settings
    operation = await read_operation(request, settings.max_query_bytes)
    if operation is None:
        format = negotiate(request.headers.get("accept"), GRAPH_FORMATS)
        triples = describe_service(request, resources.store, resources.store.writable)
        body = serialize(triples, format=format.engine, prefixes={"sd": SD, **PREFIXES})
        return Response(body, media_type=format.content_type)
    if operation.kind == "update":
        authorise_write(settings, request.headers.get("authorization"))
        refuse_remote(operation)
        await resources.write(lambda: resources.store.update(operation.text))
        return Response(status_code=204)
    refuse_remote(operation)
    accept = request.headers.get("accept")
    body, format = await resources.runner.run(lambda limits: answer(resources.store, operation, accept, limits))
    return Response(body, media_type=format.content_type, headers={"Vary": "Accept"})


router.add_api_route(
    "/sparql", _endpoint, methods=["GET"], name="sparql", summary="SPARQL query (GET) or service description",
    responses=_ANSWERS, openapi_extra=_GET_DOC, response_class=Response,
)
router.add_api_route(
    "/sparql", _endpoint, methods=["POST"], name="sparql_post", summary="SPARQL query or update (POST)",
    responses=_ANSWERS, openapi_extra=_POST_DOC, response_class=Response,
)
