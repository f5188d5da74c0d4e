"""Draft lifecycle: sections and decisions, risk-flag acknowledgement, approval, write-back."""
