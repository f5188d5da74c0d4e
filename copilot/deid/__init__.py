"""PHI protection before text leaves for a chat model (issue 7).

One seam: `outbound(prompt, chart=…, clinician=…, withheld=…)` turns a prompt into
the exact payload a provider receives, an `Outbound` that records every
replacement (placeholder ↔ original) and every chart entry withheld, for the AI
ledger. For a provider not listed as local (LLM_LOCAL_PROVIDERS; unknown → external)
the prompt is de-identified with Presidio on a spaCy English pipeline plus
recognizers seeded from the chart; the model's reply is mapped back with
`Outbound.reidentify` or, as it streams, `Outbound.reidentifier()`.

Policy, whatever the provider: psychotherapy notes (HIPAA 45 CFR 164.501, labeled
PSYTHPN) and 42 CFR Part 2 records (labeled 42CFRPart2) never go in a prompt:
`withhold(entries)` separates them, and `outbound` refuses a prompt that still
quotes one (PolicyError).
"""

from .outbound import Outbound, Replacement, outbound
from .policy import PolicyError, Withheld, is_local_provider, withheld_from_chart, withhold
from .stream import StreamReidentifier

__all__ = [
    "Outbound",
    "PolicyError",
    "Replacement",
    "StreamReidentifier",
    "Withheld",
    "is_local_provider",
    "outbound",
    "withhold",
    "withheld_from_chart",
]
