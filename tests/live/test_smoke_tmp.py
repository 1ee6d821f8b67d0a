import pytest
from tests.support.live import graphql_data, sign_up
from tests.support.realtime import WsClient

pytestmark = pytest.mark.live_server(extra_env={"LIVE_RECHECK_SECONDS": "1"})

def test_smoke(realtime):
    alice = sign_up(realtime.url, "alice", "pw-alice-123456", "a@example.com")
    bob = sign_up(realtime.url, "bob", "pw-bob-1234567", "b@example.com")
    with WsClient(realtime.ws_url, token=alice) as ws:
        print(ws.ack)
        ws.subscribe("1", "subscription { notificationAdded { cursor node { kind actor { username } } } }")
        data = graphql_data(f"{realtime.url}/graphql/", 'mutation { followUser(input: {username: "alice"}) { __typename } }', token=bob)
        print(data)
        print(ws.receive())
