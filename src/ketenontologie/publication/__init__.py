"""Publish the vocabulary as linked data: pages, negotiation, VoID, w3id rules, release files.

Every IRI the project mints resolves to something useful for a person (an HTML page in Dutch or
English) and for a machine (Turtle, JSON-LD, RDF/XML or N-Triples):

* :class:`LinkedData` answers requests from a :class:`~ketenontologie.store.GraphStore`; the
  service mounts it at its root (``ketenontologie.api.linked_data``);
* :func:`build_dist` writes the release artefacts and the static documentation;
* :func:`htaccess` makes the redirect rules for the w3id.org registry.

>>> from ketenontologie.publication import negotiate
>>> negotiate("application/rdf+xml").extension
'rdf'
"""

from __future__ import annotations

from ketenontologie.publication.dist import build_dist, stamp_version, version_iri
from ketenontologie.publication.negotiation import (
    FORMATS,
    DocumentFormat,
    Language,
    negotiate,
    negotiate_language,
)
from ketenontologie.publication.service import Answer, Ask, LinkedData
from ketenontologie.publication.void import dataset_description
from ketenontologie.publication.w3id import DEFAULT_TARGET, htaccess, write_htaccess

__all__ = [
    "DEFAULT_TARGET",
    "FORMATS",
    "Answer",
    "Ask",
    "DocumentFormat",
    "Language",
    "LinkedData",
    "build_dist",
    "dataset_description",
    "htaccess",
    "negotiate",
    "negotiate_language",
    "stamp_version",
    "version_iri",
    "write_htaccess",
]
