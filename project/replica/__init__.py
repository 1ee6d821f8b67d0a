"""Reads from a PostgreSQL replica, writes and fresh reads from the primary (docs/scaling.md).

With DATABASE_REPLICA_URL set, settings add the `replica` alias and the router
(routing.ReplicaRouter). Only a GraphQL query over HTTP reads from the replica, inside
`routing.replica_reads` (schema/server/view.py opens it once the viewer is known);
everything else reads the primary: mutations, reads inside a transaction, a viewer who
wrote in the last READ_YOUR_WRITES_SECONDS (recent.py: a marker in Redis every web
process sees), Celery tasks, the admin, REST views, subscriptions, and any read while
the replica is down (health.py). Without the setting nothing here runs.

- routing.py   the request's route (a contextvar) and the router that reads it
- recent.py    "this viewer wrote": markers with a TTL, read once per request
- health.py    an unreachable replica: reads go to the primary for a while
"""
