"""The penalty procedure from acceptance to archive: its services, and in desk/ its panels.

Every procedure service appends its audit event through `record_procedure_event` (a step's record
goes through `step_log.record_step`, which calls it).
"""

from enforcement_desk.feature_audit import audit_writer

record_procedure_event = audit_writer("procedure")
