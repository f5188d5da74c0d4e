"""Coding suggestions for an approved note: psychotherapy CPT codes by documented time
and session type, add-ons only when documented, ICD-10-CM from the chart's active
conditions. Suggestions only: nothing is submitted anywhere."""

from .suggest import CodeSuggestion, CodingSuggestions, Evidence, suggest_codes

__all__ = ["CodeSuggestion", "CodingSuggestions", "Evidence", "suggest_codes"]
