"""Reading paths: the defined ones, and lineage, next and between generated from the graph.

One module per step of the way from a request to a path, each used once:

``service``
    What callers ask for: ``reading_path``, ``list_paths``, ``lineage_path``, ``next_path``,
    ``between_path``, ``ordered_members``. It reads through ``source``, computes with
    ``engine`` and returns ``model.Path`` objects with their texts in the asked language.
``source``
    Reading from a store: the nodes and edges of the path graph, built once per data version,
    the facts steps show (prefetched in batches), and the stored path definitions.
``engine``
    The pure networkx computation: ordering, lineage, following, between (no store, no texts).
``model``
    The plain data a path is made of (``Path``, ``PathStep``, ``Term``, ...).
``render``
    A path as JSON (the contract's shape), as RDF (a schema:ItemList), as Turtle, or as text.
``checks``
    ``check_paths``: what ``aigraph validate`` reports about the defined paths.

Every text a reader sees comes from the Babel catalog, through ``aigraph.i18n.translate``.
"""
