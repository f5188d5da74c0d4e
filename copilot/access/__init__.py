"""Caseloads and access control: who may open which client, draft or chart entry.

Every HTTP route and websocket message reaches clinical content only through the
permission-checked fetches in `copilot.access.fetch`; a denial is a 404 (NotFound),
the same as a missing object, and is logged without PHI.
"""
