"""Small pyoxigraph stores for the tests of the query workers."""

from __future__ import annotations

import pyoxigraph as ox

#: 300 triples: enough for a cross join that runs for minutes
THREE_HUNDRED = "".join(f"<urn:s{i}> <urn:p> <urn:o{i % 7}> .\n" for i in range(300))


def store_of(ntriples: str = THREE_HUNDRED) -> ox.Store:
    store = ox.Store()
    store.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store
