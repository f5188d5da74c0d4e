"""The practice knowledge base: the practice's own documents, searchable in chart Q&A."""
