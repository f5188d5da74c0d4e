"""Embeddings (bundled all-MiniLM-L6-v2) and, later, per-client Chroma indexes."""
