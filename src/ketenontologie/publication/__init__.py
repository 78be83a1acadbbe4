"""Publish the vocabulary as linked data: documents and pages, VoID, w3id rules, release files.

Every IRI the project mints resolves to something useful for a person (an HTML page in Dutch or
English) and for a machine (Turtle, JSON-LD, RDF/XML or N-Triples):

* :class:`LinkedData` reads a :class:`~ketenontologie.store.GraphStore` and makes the
  :class:`Document` published at each path, as RDF and as a page; the service
  (``ketenontologie.api.linked_data``) picks the format and language and answers over HTTP;
* :data:`FORMATS` are the representations on offer (media type, extension, label);
* :func:`build_dist` writes the release artefacts and the static documentation;
* :func:`htaccess` makes the redirect rules for the w3id.org registry.

>>> from ketenontologie.publication import FORMATS
>>> [fmt.extension for fmt in FORMATS]
['html', 'ttl', 'jsonld', 'rdf', 'nt']
"""

from __future__ import annotations

from ketenontologie.publication.dist import build_dist, stamp_version, version_iri
from ketenontologie.publication.formats import FORMATS, DocumentFormat
from ketenontologie.publication.site import Ask, Document, Dump, LinkedData
from ketenontologie.publication.void import dataset_description
from ketenontologie.publication.w3id import DEFAULT_TARGET, htaccess, write_htaccess
from ketenontologie.publication.words import LANGUAGES, Language

__all__ = [
    "DEFAULT_TARGET",
    "FORMATS",
    "LANGUAGES",
    "Ask",
    "Document",
    "DocumentFormat",
    "Dump",
    "Language",
    "LinkedData",
    "build_dist",
    "dataset_description",
    "htaccess",
    "stamp_version",
    "version_iri",
    "write_htaccess",
]
