"""Administration: users and sign-in, agency settings, setup, backup, the shared server, audit checks, demo data.

Every administration service appends its audit event through `record_admin_event`.
"""

from enforcement_desk.feature_audit import audit_writer

record_admin_event = audit_writer("admin")
