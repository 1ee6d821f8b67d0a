"""The graphql-transport-ws protocol (the graphql-ws library, Apollo's GraphQLWsLink).

One connection: an Origin check before the upgrade is accepted (refused: HTTP 403),
`connection_init` within LIVE_INIT_TIMEOUT_SECONDS carrying `Authorization` in its
payload (or the upgrade request's header), then `subscribe`/`complete` per operation
id, each running as a task. Close codes are the library's: 4400 bad message, 4401
subscribe before ack, 4403 a token that does not (or no longer) authenticates, 4406 no
acceptable subprotocol, 4408 no init in time, 4409 an id in use, 4429 a second init;
1013 a consumer too slow for its events (the client reconnects and replays). Keep-alive
pings of the socket itself are the server's (uvicorn's --ws-ping-interval/-timeout).
"""

import asyncio
import contextlib
import json
import logging

from django.conf import settings

from live.streams import SlowConsumer
from live.transports import checks
from live.transports.operation import LiveOperation

logger = logging.getLogger("live.graphql_ws")

PROTOCOL = "graphql-transport-ws"


class _Closed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class Connection:
    def __init__(self, schema, scope, receive, send) -> None:
        self.schema, self.scope, self.receive, self.send_raw = schema, scope, receive, send
        self.lock = asyncio.Lock()
        self.operations: dict[str, asyncio.Task] = {}
        self.credential = None
        self.authorization: str | None = None
        self.closed = False

    async def send(self, message: dict) -> None:
        async with self.lock:
            if not self.closed:
                await self.send_raw({"type": "websocket.send", "text": json.dumps(message)})

    async def close(self, code: int, reason: str = "") -> None:
        async with self.lock:
            if not self.closed:
                self.closed = True
                await self.send_raw({"type": "websocket.close", "code": code, "reason": reason})

    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        offered = self.scope.get("subprotocols") or []
        if not checks.origin_allowed(self.scope):
            await self.send_raw({"type": "websocket.close", "code": 4403})
            return
        if PROTOCOL not in offered:
            await self.send_raw({"type": "websocket.close", "code": 4406})
            return
        await self.send_raw({"type": "websocket.accept", "subprotocol": PROTOCOL})
        watcher = None
        try:
            await self._init()
            watcher = asyncio.create_task(self._watch_credential())
            while True:
                await self._handle(await self._next())
        except _Closed as closed:
            await self.close(closed.code, closed.reason)
        except _Disconnected:
            self.closed = True
        finally:
            if watcher is not None:
                watcher.cancel()
            for task in list(self.operations.values()):
                task.cancel()
            await asyncio.gather(*self.operations.values(), return_exceptions=True)

    async def _next(self) -> dict:
        message = await self.receive()
        if message["type"] == "websocket.disconnect":
            raise _Disconnected
        text = message.get("text")
        if text is None and message.get("bytes") is not None:
            raise _Closed(4400, "Messages are JSON text.")
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            raise _Closed(4400, "Invalid message received") from None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise _Closed(4400, "Invalid message received")
        return data

    async def _init(self) -> None:
        try:
            message = await asyncio.wait_for(self._next(), settings.LIVE_INIT_TIMEOUT_SECONDS)
        except TimeoutError:
            raise _Closed(4408, "Connection initialisation timeout") from None
        if message["type"] != "connection_init":
            raise _Closed(4401, "Unauthorized")
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            raise _Closed(4400, "Invalid connection_init payload")
        given = payload.get("Authorization", payload.get("authorization"))
        if given is not None and not isinstance(given, str):
            raise _Closed(4400, "Authorization must be a string")
        self.authorization = given or checks.header(self.scope, b"authorization")
        self.credential = await checks.credential_for(self.authorization)
        if self.credential.error:
            raise _Closed(4403, f"Forbidden: {self.credential.error}"[:120])
        await self.send({"type": "connection_ack"})

    async def _handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "connection_init":
            raise _Closed(4429, "Too many initialisation requests")
        elif kind == "subscribe":
            op_id = message.get("id")
            if not isinstance(op_id, str) or not op_id:
                raise _Closed(4400, "Invalid message received")
            if op_id in self.operations:
                raise _Closed(4409, f"Subscriber for {op_id} already exists"[:120])
            task = asyncio.create_task(self._operate(op_id, message.get("payload")))
            self.operations[op_id] = task
        elif kind == "complete":
            task = self.operations.pop(message.get("id"), None)
            if task is not None:
                task.cancel()
        else:
            raise _Closed(4400, f"Unknown message type {kind!r}"[:120])

    async def _operate(self, op_id: str, payload) -> None:
        operation = LiveOperation(self.schema, payload, self.credential, self.scope)
        try:
            errors = await operation.start()
            if errors:
                await self.send({"type": "error", "id": op_id, "payload": errors})
                return
            async for result in operation.results():
                await self.send({"type": "next", "id": op_id, "payload": result})
            await self.send({"type": "complete", "id": op_id})
        except SlowConsumer:
            await self.close(1013, "Too slow: events were waiting; reconnect and replay")
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("subscription %s failed", op_id)
            await self.close(4500, "Internal server error")
        finally:
            self.operations.pop(op_id, None)
            with contextlib.suppress(Exception):
                await operation.close()

    async def _watch_credential(self) -> None:
        while True:
            await asyncio.sleep(settings.LIVE_RECHECK_SECONDS)
            if not await checks.still_valid(self.authorization, self.credential):
                await self.close(4403, "Forbidden: the token no longer authenticates")
                return


class _Disconnected(Exception):
    pass


async def serve(schema, scope, receive, send) -> None:
    await Connection(schema, scope, receive, send).run()
