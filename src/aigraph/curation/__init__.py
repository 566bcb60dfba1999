"""Curation: validated, atomic, recorded and reversible writes to the graph.

``changes`` is the interface the web forms, the HTTP API and the command line share;
``entity`` reads one entity and its ETag, ``validation`` checks a change on its
neighbourhood, ``history`` records changes as PROV-O, ``journal`` commits several files at
once, ``writer`` writes to the embedded or the remote store, ``importer`` reads bulk files.
See docs/curation.md.
"""
