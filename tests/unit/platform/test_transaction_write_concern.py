"""A batch's transaction is acknowledged by a majority on a replica set, by the one server otherwise,
and as the connection string says when it says; journaled in every case."""

from types import SimpleNamespace

import pytest
from pymongo.write_concern import WriteConcern

from complaint_platform.mongo import transaction_write_concern


def client(topology: str, uri_w=None):
    return SimpleNamespace(write_concern=WriteConcern(w=uri_w) if uri_w is not None else WriteConcern(),
                           topology_description=SimpleNamespace(topology_type_name=topology))


@pytest.mark.parametrize("topology, uri_w, expected", [
    ("ReplicaSetWithPrimary", None, {"w": "majority", "j": True}),
    ("Single", None, {"w": 1, "j": True}),
    ("Sharded", None, {"w": "majority", "j": True}),
    ("ReplicaSetWithPrimary", 2, {"w": 2, "j": True}),
])
def test_write_concern_of_a_batch(topology, uri_w, expected):
    assert transaction_write_concern(client(topology, uri_w)).document == expected
