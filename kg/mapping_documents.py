"""Source files, documents (sections, quotes, bibliography, citations, footnotes) and papers as triples."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from ingest.models import BibEntry, Document, DocumentKind, PaperRecord, SourceFile
from kg.iris import citation_iri, document_iri, footnote_iri, paper_iri, reference_iri, section_iri
from kg.ontology import cg, dcterms, prov, rdf, schema, xsd
from kg.quads import QuadSink

DOCUMENT_CLASSES: dict[DocumentKind, NamedNode] = {
    DocumentKind.article: cg.Article,
    DocumentKind.listing_entry: cg.ListingEntry,
    DocumentKind.arxiv_abstract: cg.ArxivAbstract,
}


def add_source_file(sink: QuadSink, source: SourceFile) -> None:
    node = sink.source
    sink.add(node, rdf.type, cg.SourceFile)
    sink.add_text(node, dcterms.identifier, source.name)
    sink.add_text(node, cg.sha256, source.sha256)
    sink.add_text(node, cg.sourceFormat, source.format.value)
    sink.add_integer(node, cg.charCount, source.char_count)
    sink.add_integer(node, cg.lineCount, source.line_count)


def add_document(sink: QuadSink, doc: Document) -> None:
    node = NamedNode(document_iri(doc.id))
    sink.add(node, rdf.type, DOCUMENT_CLASSES[doc.kind])
    sink.add_text(node, dcterms.identifier, doc.id)
    sink.add(node, prov.wasDerivedFrom, sink.source)
    sink.add(node, cg.hasSpan, sink.span(doc.span))
    sink.add_text(node, dcterms.title, doc.title)
    if doc.title_span is not None:
        sink.add(node, cg.titleSpan, sink.span(doc.title_span))
    if doc.abstract_span is not None:
        sink.add(node, cg.abstractSpan, sink.span(doc.abstract_span))
    sink.add_text(node, cg.arxivId, doc.arxiv_id)
    sink.add_integer(node, cg.arxivVersion, doc.arxiv_version)
    sink.add_text(node, cg.pageDate, doc.page_date)
    for sentence in doc.sentences:
        sink.sentence(sentence, node)
    for paragraph in doc.paragraphs:
        sink.add(node, cg.hasParagraph, sink.span(paragraph))
    for quote in doc.quotes:
        sink.add(node, cg.hasQuote, sink.span(quote))
    _add_sections(sink, node, doc)
    _add_bibliography(sink, node, doc)
    _add_footnotes(sink, node, doc)


def _add_sections(sink: QuadSink, doc_node: NamedNode, doc: Document) -> None:
    for index, section in enumerate(doc.sections):
        node = NamedNode(section_iri(doc.id, index))
        sink.add(doc_node, cg.hasSection, node)
        sink.add(node, rdf.type, cg.Section)
        sink.add_integer(node, cg.index, index)
        sink.add_text(node, dcterms.title, section.title)
        sink.add(node, cg.headingSpan, sink.span(section.heading))
        sink.add(node, cg.bodySpan, sink.span(section.body))


def _add_reference(sink: QuadSink, node: NamedNode, entry: BibEntry) -> None:
    sink.add(node, rdf.type, cg.BibliographicReference)
    sink.add_integer(node, cg.number, entry.number)
    sink.add(node, cg.hasSpan, sink.span(entry.span))
    # dcterms:creator literals do not keep author order; the entry's span keeps the text as printed
    for author in entry.authors:
        sink.add_text(node, dcterms.creator, author)
    sink.add_text(node, dcterms.title, entry.title)
    sink.add_text(node, cg.venue, entry.venue)
    sink.add_text(node, cg.arxivId, entry.arxiv_id)
    if entry.year is not None:
        sink.add(node, dcterms.date, Literal(str(entry.year), datatype=xsd.gYear))
    if entry.url is not None:
        # a literal, not an IRI: printed URLs are not always valid IRIs
        sink.add(node, schema.url, Literal(entry.url, datatype=xsd.anyURI))


def _add_bibliography(sink: QuadSink, doc_node: NamedNode, doc: Document) -> None:
    references: dict[int, NamedNode] = {}
    for entry in doc.bibliography:
        node = NamedNode(reference_iri(doc.id, entry.number))
        references[entry.number] = node
        sink.add(doc_node, cg.hasReference, node)
        _add_reference(sink, node, entry)
    for citation in doc.citations:
        marker = citation.marker
        node = NamedNode(citation_iri(sink.source_name, marker.start, marker.end))
        sink.add(doc_node, cg.hasCitation, node)
        sink.add(node, rdf.type, cg.Citation)
        sink.add(node, cg.hasSpan, sink.span(marker))
        for number in citation.numbers:
            sink.add_integer(node, cg.citedNumber, number)
            if number in references:
                sink.add(node, cg.citesReference, references[number])


def _add_footnotes(sink: QuadSink, doc_node: NamedNode, doc: Document) -> None:
    for footnote in doc.footnotes:
        node = NamedNode(footnote_iri(doc.id, footnote.number))
        sink.add(doc_node, cg.hasFootnote, node)
        sink.add(node, rdf.type, cg.Footnote)
        sink.add_integer(node, cg.number, footnote.number)
        sink.add(node, cg.hasSpan, sink.span(footnote.span))
        if footnote.marker is not None:
            sink.add(node, cg.markerSpan, sink.span(footnote.marker))


def add_papers(sink: QuadSink, papers: list[PaperRecord], documents: list[Document]) -> None:
    """Papers, the documents presenting them, and the bibliography entries of this file citing them.

    PaperRecord.bib_numbers are numbers within the file, so every document with an entry of that number is
    linked; newsletter files hold one article, where this is exact.
    """
    entries_by_number: dict[int, list[str]] = {}
    for doc in documents:
        for entry in doc.bibliography:
            entries_by_number.setdefault(entry.number, []).append(doc.id)
    for paper in papers:
        node = NamedNode(paper_iri(paper.key))
        sink.add(node, rdf.type, cg.Paper)
        sink.add_text(node, dcterms.identifier, paper.key)
        sink.add_text(node, dcterms.title, paper.title)
        sink.add_text(node, cg.arxivId, paper.arxiv_id)
        for doc_id in paper.document_ids:
            doc_node = NamedNode(document_iri(doc_id))
            sink.add(node, cg.appearsIn, doc_node)
            sink.add(doc_node, schema.about, node)
        for number in paper.bib_numbers:
            for doc_id in entries_by_number.get(number, []):
                doc_node = NamedNode(document_iri(doc_id))
                sink.add(NamedNode(reference_iri(doc_id, number)), cg.refersTo, node)
                sink.add(doc_node, cg.cites, node)
                sink.add(node, cg.appearsIn, doc_node)
