"""Admin site registrations of the copilot app, kept in their domain packages."""

from copilot.access import admin as access_admin  # noqa: F401
