"""Regression (issue 16): ``/validate`` (no token needed) and uploads had no time or memory bound:
a 14 KB design with a 300-step escalation cycle took 22-78 s, a 46 KB chain of 1,000 steps
267 s and 7 GB."""

from __future__ import annotations

import time

from conftest import AUTH, ROOT, VALIDATION_TIMEOUT, Server

MARGIN = 3.0
"""Seconds past the validation time limit within which a refusal must come."""


def escalation_design(steps: int, *, cycle: bool) -> str:
    """A chain whose roles escalate one to the next, ``steps`` long; closed into a cycle or not."""
    lines = [
        "@prefix keten: <https://w3id.org/ketenontologie/def#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix rol: <https://w3id.org/ketenontologie/id/rol/> .",
        "@prefix ketens: <https://w3id.org/ketenontologie/id/keten/> .",
        'ketens:kring a keten:Chain ; rdfs:label "Kring"@nl .',
    ]
    for step in range(steps):
        following = (step + 1) % steps if cycle else step + 1
        lines.append(
            f"rol:s{step} a keten:CoachingManager ; keten:actsIn ketens:kring ; "
            f"keten:escalatesTo rol:s{following} ."
        )
    return "\n".join(lines) + "\n"


COSTLY = {
    "a 300-step escalation cycle": escalation_design(300, cycle=True),
    "a 1,000-step escalation chain": escalation_design(1000, cycle=False),
}
TURTLE = {"Content-Type": "text/turtle"}


def test_a_costly_design_to_validate_is_422_within_the_time_limit(attacked: Server) -> None:
    """/validate on long escalation cycles and chains: 422 design-too-costly near the limit."""
    with attacked.client() as client:
        plain = (ROOT / "data" / "voorbeeldketen-havenstad.ttl").read_bytes()
        assert client.post("/validate", content=plain, headers=TURTLE).status_code == 200
        for name, design in COSTLY.items():
            started = time.monotonic()
            answer = client.post("/validate", content=design, headers=TURTLE)
            seconds = time.monotonic() - started
            assert answer.status_code == 422, (name, answer.text)
            assert answer.json()["error"] == "design-too-costly", (name, answer.text)
            assert seconds < VALIDATION_TIMEOUT + MARGIN, f"{name}: {seconds:.1f} s"
    attacked.answers()


def test_a_costly_design_upload_is_422_and_nothing_is_stored(attacked: Server) -> None:
    """PUT /designs/{id} of a 300-step cycle: 422 design-too-costly, and it is not listed."""
    with attacked.client() as client:
        before = client.get("/designs").json()
        started = time.monotonic()
        answer = client.put(
            "/designs/kostbare-kring",
            content=COSTLY["a 300-step escalation cycle"],
            headers={**TURTLE, **AUTH},
        )
        seconds = time.monotonic() - started
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "design-too-costly", answer.text
        assert seconds < VALIDATION_TIMEOUT + MARGIN, f"{seconds:.1f} s"
        after = client.get("/designs").json()
        assert after == before
        assert client.get("/designs/kostbare-kring").status_code == 404
        graphs = [g["graph"] for g in client.get("/graphs").json()["graphs"]]
        assert not [g for g in graphs if g.endswith("/kostbare-kring")]
    attacked.answers()
