"""Progress-note drafting: templates as data, the `grounded` and `llm` engines, risk flags."""
