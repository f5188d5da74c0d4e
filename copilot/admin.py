"""Admin registrations of the `copilot` app, defined in their domain packages."""

from copilot.access import admin as access_admin  # noqa: F401 - registers CaseloadAssignment
from copilot.accounts import admin as accounts_admin  # noqa: F401 - registers Clinician
from copilot.audit import admin as audit_admin  # noqa: F401 - registers LedgerEntry
