"""Curation: how curators change the graph (see docs/curation.md)."""
