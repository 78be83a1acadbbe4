"""SPARQL without a store: the text (:mod:`~ketenontologie.sparql.text`), what an update may
write (:mod:`~ketenontologie.sparql.policy`), which queries are bounded lookups
(:mod:`~ketenontologie.sparql.lookup`) and how results are written
(:mod:`~ketenontologie.sparql.results`)."""
