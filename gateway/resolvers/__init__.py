"""The root ``Query`` and ``upstreamStatus``: what the schema's entry points resolve to."""
