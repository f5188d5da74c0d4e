"""The audit ledger: one tamper-evident, append-only entry per AI interaction and per
review, approval and EHR write (see copilot.audit.ledger)."""
