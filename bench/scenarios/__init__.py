"""One module per scenario; each has `NAME` and `run(ctx) -> list[Line | str]`.

A `Line` is a measured pair (printed as `name: value (baseline) ratio R target T
VERDICT`); a `str` is a comment line (it starts with '#').
"""
