"""Helpers for ``scripts/build_snapshot.py``: build the offline LL2 snapshot.

The pipeline, one module per step:

* :mod:`snapshot.schema`  - read the 2.3.0 schema digest and answer "what type is this field".
* :mod:`snapshot.sources` - read the seed pages and the ``ll2/`` responses, rank them.
* :mod:`snapshot.legacy`  - rewrite 2.0.0 / 2.2.0 objects into 2.3.0 shapes (``_legacy`` keeps
  what the rewrite changed or dropped).
* :mod:`snapshot.store`   - walk objects with their schema, pull entities out into records,
  merge them and log disagreements.
* :mod:`snapshot.derive`  - fill reverse relations (a spacecraft's flights...) after merging.
"""
