"""ClaimGraph knowledge graph: ontology, deterministic IRIs, model-to-RDF mapping, store, SPARQL, projections."""
