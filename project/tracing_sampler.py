"""The sampler tracing installs: the configured one, except for client calls outside any trace.

A SQL statement, Redis command or S3 call made outside any request or task (the Celery
worker polling its broker, a connection's setup at start) would otherwise be a trace of
its own, one per poll. Those are dropped; everything else is decided by the sampler
OTEL_TRACES_SAMPLER names (with `parentbased_*`, a request's or task's children follow it).
Imported only when tracing is installed (project/tracing.py).
"""

from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import SpanKind, get_current_span


class NoClientRoots(Sampler):
    def __init__(self, sampler: Sampler) -> None:
        self.sampler = sampler

    def should_sample(
        self,
        parent_context,
        trace_id,
        name,
        kind=None,
        attributes=None,
        links=None,
        trace_state=None,
    ) -> SamplingResult:
        parent = get_current_span(parent_context).get_span_context()
        if kind is SpanKind.CLIENT and not parent.is_valid:
            return SamplingResult(Decision.DROP)
        return self.sampler.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"NoClientRoots{{{self.sampler.get_description()}}}"
