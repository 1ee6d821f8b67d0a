"""Benchmarks: GraphQL against plain Django views doing the same work (see RESULTS.md).

Not part of `make test`. Build the data once with `python -m bench.build_data`, then
run `python -m bench.run [--quick] [scenario ...]` or `bench/check`.
"""
