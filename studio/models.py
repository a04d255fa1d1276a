"""The studio keeps no table of its own: what it changes is written by the owning apps' services, and its
audit lines are the course's (`courses.models.AuditEntry`)."""
