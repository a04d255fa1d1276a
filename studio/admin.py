"""The studio has no model of its own: its audit lines are the course's (courses.AuditEntry, admin in courses)."""
