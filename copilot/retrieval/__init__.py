"""Embeddings (bundled MiniLM) and per-client Chroma indexes of the chart, kept in sync.

Entry points: `search.chart_search` (what Q&A calls), `sync.sync_client` and
`sync.reindex_document` (what opening a chart and the EHR webhook call),
`consent` (42 CFR Part 2 consent that unlocks the restricted partition).
"""
