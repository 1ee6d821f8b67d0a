"""The owner's library: places (near), days (timeline, memories) and search.

Plain querysets and helpers over the Photo model; the schema calls them
(schema/library/). Docs: docs/library.md.
"""
