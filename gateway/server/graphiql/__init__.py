"""GraphiQL served with its assets, so that it works with no internet (``page.py``),
and the build step that fetches them from the npm registry (``fetch.py``)."""
