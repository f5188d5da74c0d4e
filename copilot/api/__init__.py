"""DRF endpoints for machines (the EHR's webhook; later drafts and OpenAPI)."""
