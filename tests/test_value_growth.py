"""How much a query's values can grow (``sparql.algebra.value_growth``), and the policy's bound.

A store builds the values of ``BIND``, ``SELECT`` expressions, ``FILTER`` and ``ORDER BY``
before any bound on the answer sees them; a value doubled step after step reaches gigabytes in
a query of a few hundred bytes. The bound is decided on the parsed query, before a store runs it.
"""

from __future__ import annotations

import pytest

from ketenontologie.bounds import MAX_VALUE_GROWTH
from ketenontologie.errors import QueryTooCostlyError
from ketenontologie.sparql.algebra import query_facts, update_facts
from ketenontologie.sparql.policy import check_query, check_update


def doubled(times: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'BIND("ab" AS ?x0) {binds}'


@pytest.mark.parametrize(
    ("query", "growth"),
    [
        ("SELECT * { ?s ?p ?o }", 1),
        ('SELECT * { ?s ?p ?o BIND(CONCAT(STR(?s), " ", STR(?o)) AS ?t) }', 3),
        (f"SELECT * {{ {doubled(10)} }}", 2**10),
        # doubling in the SELECT clause: a later expression uses an earlier one
        ("SELECT (CONCAT(?o, ?o) AS ?a) (CONCAT(?a, ?a) AS ?b) { <a:b> ?p ?o }", 4),
        # in a sub-select, then used outside it
        (
            "SELECT ?c { { SELECT (CONCAT(?o, ?o, ?o) AS ?b) { ?s ?p ?o } } "
            'BIND(UCASE(REPLACE(?b, ".", "$0$0")) AS ?c) }',
            3 * 5 * 3,
        ),
        # a number comes out, a long string is built on the way
        ('ASK { ?s ?p ?o FILTER(STRLEN(REPLACE(STR(?o), ".", "0123456789")) > 3) }', 11),
        ('SELECT ?o { ?s ?p ?o } ORDER BY REPLACE(STR(?o), ".", "$0$0")', 5),
        ('SELECT ?s { ?s ?p ?o OPTIONAL { ?s ?q ?r FILTER(CONCAT(?r, ?r, ?r) = "") } }', 3),
        # aggregates of one value keep its growth; a count is a number
        (
            "SELECT (GROUP_CONCAT(?b) AS ?g) (COUNT(?b) AS ?n) "
            "{ ?s ?p ?o BIND(CONCAT(?o, ?o) AS ?b) } GROUP BY ?s",
            2,
        ),
        ("SELECT (STRLEN(?o) + STRLEN(?o) AS ?n) (MD5(?o) AS ?h) { ?s ?p ?o }", 1),
    ],
)
def test_the_growth_of_what_a_query_builds(query: str, growth: int) -> None:
    assert query_facts(query).growth == growth


def test_a_query_over_the_bound_is_refused_and_one_under_it_runs() -> None:
    check_query(query_facts(f"SELECT * {{ {doubled(9)} }}"))  # 512: under the bound
    with pytest.raises(QueryTooCostlyError) as refused:
        check_query(query_facts(f"SELECT * {{ {doubled(26)} }}"))
    assert refused.value.growth == 2**26
    assert f"{MAX_VALUE_GROWTH:,}" in refused.value.message
    assert refused.value.code == "query-too-costly"


def test_an_update_that_builds_values_over_the_bound_is_refused() -> None:
    update = f"INSERT {{ <a:s> <a:p> ?x30 }} WHERE {{ {doubled(30)} }}"
    with pytest.raises(QueryTooCostlyError):
        check_update(update_facts(update))
    check_update(update_facts(f"INSERT {{ <a:s> <a:p> ?x3 }} WHERE {{ {doubled(3)} }}"))


def test_growth_is_counted_without_recursion_and_capped() -> None:
    """Hundreds of doublings: counted in a moment, and still refused (not overflowed)."""
    facts = query_facts(f"SELECT * {{ {doubled(300)} }}")
    assert facts.growth > MAX_VALUE_GROWTH
    with pytest.raises(QueryTooCostlyError) as refused:
        check_query(facts)
    assert "more than a trillion" in refused.value.message
