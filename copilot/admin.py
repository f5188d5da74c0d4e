"""Admin registrations of the `copilot` app, defined in their domain packages."""

from copilot.audit import admin as audit_admin  # noqa: F401 - registers LedgerEntry
