"""One operation sent over a live transport: checked as any query is, then run per event.

The document goes through the HTTP view's own parse and validation (schema/server/
operations.py: the document cache, depth, aliases, tokens, cost), with the viewer's
context built from the same credential code (users/credentials.py). A subscription
takes one of its viewer's slots (MAX_SUBSCRIPTIONS_PER_VIEWER) until it ends; its source
stream is the Subscription field's generator, and each event is executed in the ORM's
thread with the event as the root value. Queries and mutations sent over a socket run
as over HTTP (Strawberry's graphql-transport-ws allows them too).
"""

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from graphql import GraphQLError, execute
from graphql.execution import ExecutionResult as CoreResult
from graphql.execution import create_source_event_stream
from strawberry.exceptions import MissingQueryError
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from live.streams import in_thread
from live.transports.slots import SLOTS, viewer_key
from project import metrics
from project.codes import ErrorCode
from project.stores import CannotCount
from schema.core.context import Context
from schema.core.errors import ClientError, RateLimited
from schema.engine.execution import graphql_schema
from schema.engine.optimizer import install, uninstall
from schema.server import budget, operations
from users.credentials import Credential

logger = logging.getLogger("live.operation")


class BadRequest(ClientError):
    code = ErrorCode.BAD_REQUEST


def request_for(scope: dict, credential: Credential) -> HttpRequest:
    """A Django request standing for the connection: its headers, address and viewer."""
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = scope.get("path", "/graphql/")
    meta = {"REMOTE_ADDR": (scope.get("client") or ("", 0))[0]}
    for key, value in scope.get("headers", ()):
        name = key.decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = f"HTTP_{name}"
        meta[name] = value.decode("latin-1")
    request.META = meta
    request.credential = credential
    request.user = credential.user
    return request


def _payload(payload: Any) -> tuple[str, dict | None, str | None, dict | None]:
    if not isinstance(payload, dict):
        raise BadRequest("The payload must be a JSON object.")
    query, variables = payload.get("query"), payload.get("variables")
    name, extensions = payload.get("operationName"), payload.get("extensions")
    if query is not None and not isinstance(query, str):
        raise BadRequest("`query` must be a string.")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("`variables` must be an object.")
    if name is not None and not isinstance(name, str):
        raise BadRequest("`operationName` must be a string.")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("`extensions` must be an object.")
    return query or "", variables, name, extensions


class LiveOperation:
    """`start` answers the errors that refuse it (None: it runs); then `results`; `close`."""

    def __init__(self, schema, payload: Any, credential: Credential, scope: dict) -> None:
        self.schema = schema
        self.payload = payload
        self.scope = scope
        self.context = Context(
            request=request_for(scope, credential),
            response=None,
            token_error=credential.error,
            scopes=credential.scopes,
        )
        self.slot: str | None = None
        self.source = None
        self.single: dict | None = None  # a query's or mutation's one answer
        self.execution: ExecutionContext | None = None

    async def start(self) -> list[dict] | None:
        try:
            query, variables, name, extensions = _payload(self.payload)
        except ClientError as error:
            return [error.formatted]
        self.execution = ExecutionContext(
            query=query,
            schema=self.schema,
            allowed_operations=frozenset(OperationType),
            context=self.context,
            root_value=None,
            variables=variables,
            provided_operation_name=name,
            operation_extensions=extensions,
        )
        errors = await in_thread(self._check)
        if errors:
            return self._formatted(errors)
        if self.execution.operation_type != OperationType.SUBSCRIPTION:
            result = await in_thread(
                self.schema.execute_sync,
                query,
                variables,
                self.context,
                None,
                name,
                None,
                extensions,
            )
            self.single = result_dict(result)
            charged = budget.answered(self.context.request)
            if charged is not None:  # as over HTTP: what it cost, what is left
                self.single["extensions"] = {"cost": charged.extension()}
            return None
        request = self.context.request
        try:
            self.slot = await in_thread(SLOTS.take, viewer_key(request.user, request))
        except CannotCount:
            metrics.rate_limited("subscriptions")
            error = RateLimited(
                "Subscriptions cannot be counted now; try again shortly.",
                retry_after=math.ceil(settings.LIVE_RECHECK_SECONDS),
            )
            return self._formatted([error])
        if self.slot is None:
            limit = settings.MAX_SUBSCRIPTIONS_PER_VIEWER
            metrics.rate_limited("subscriptions")
            # A slot frees when one ends, or when a dead process's lease runs out.
            error = RateLimited(
                f"Too many subscriptions: at most {limit} at once; end one first.",
                retry_after=math.ceil(settings.LIVE_RECHECK_SECONDS),
            )
            return self._formatted([error])
        SLOTS.renewing()
        source = await create_source_event_stream(
            graphql_schema(self.schema),
            self.execution.graphql_document,
            None,
            self.context,
            variables,
            name,
        )
        if isinstance(source, CoreResult):  # the field refused (or failed) before streaming
            await self._give_back()
            self.execution.result = source  # so an unexpected error is coded INTERNAL
            return self._formatted(source.errors or [])
        self.source = source
        return None

    def _check(self) -> list[GraphQLError]:
        execution = self.execution
        try:
            parsed = operations.parse(execution)
        except MissingQueryError:
            return [BadRequest("No GraphQL query found in the payload.")]
        except GraphQLError as error:
            return [error]
        try:
            execution.operation_type  # noqa: B018 -- raises when no operation has that name
        except RuntimeError:
            return [BadRequest(f"No operation named {execution.operation_name!r}.")]
        return operations.validate(execution, parsed)

    def _formatted(self, errors: list[GraphQLError]) -> list[dict]:
        self.schema.process_errors(errors, self.execution)
        return [error.formatted for error in errors]

    async def results(self) -> AsyncIterator[dict]:
        if self.single is not None:
            yield self.single
            return
        # The events the source has ready run together, in one trip to the ORM's thread
        # (a replay yields a hundred at once).
        ready: asyncio.Queue = asyncio.Queue(maxsize=EXECUTE_BATCH)
        producer = asyncio.create_task(_drain(self.source, ready))
        try:
            while True:
                events = [await ready.get()]
                while not ready.empty():
                    events.append(ready.get_nowait())
                done = events[-1] is _END
                if done:
                    events.pop()
                for result in await in_thread(self._execute_all, events):
                    yield result
                if done:
                    producer.result()  # raises what the source raised
                    return
        finally:
            producer.cancel()
            # Until it has let go of the source, which `close` then closes.
            await asyncio.gather(producer, return_exceptions=True)

    def _execute_all(self, events: list) -> list[dict]:
        return [self._execute(event) for event in events]

    def _execute(self, event: Any) -> dict:
        execution = self.execution
        token = install(operations.OPTIMIZER)
        try:
            result = execute(
                graphql_schema(self.schema),
                execution.graphql_document,
                root_value=event,
                context_value=self.context,
                variable_values=execution.variables,
                operation_name=execution.operation_name,
                execution_context_class=self.schema.execution_context_class,
            )
        finally:
            uninstall(token)
        execution.result = result
        if result.errors:
            self.schema.process_errors(result.errors, execution)
        return result_dict(result)

    async def close(self) -> None:
        source, self.source = self.source, None
        if source is not None and hasattr(source, "aclose"):
            try:
                await source.aclose()
            except Exception:  # its cleanup failed; the slot is still given back
                logger.exception("closing a subscription's stream failed")
        await self._give_back()

    async def _give_back(self) -> None:
        slot, self.slot = self.slot, None
        if slot is not None:
            await in_thread(SLOTS.give_back, slot)


EXECUTE_BATCH = 100
_END = object()


async def _drain(source, ready: asyncio.Queue) -> None:
    # The consumer meets _END after what it has; what the source raised, it reads from
    # this task's result.
    try:
        async for event in source:
            await ready.put(event)
    except asyncio.CancelledError:
        raise
    except BaseException:
        await ready.put(_END)
        raise
    await ready.put(_END)


def result_dict(result) -> dict:
    answer: dict = {"data": result.data}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    return answer
