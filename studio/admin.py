"""The studio's audit lines are the course's (courses.AuditEntry, admin in courses); its large CSV enrolments are followed on the people page."""
