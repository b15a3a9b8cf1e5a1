"""The full-process record's evidence: the service and its 证据 panel.

The evidence service appends its audit events through `record_evidence_event`.
"""

from enforcement_desk.feature_audit import audit_writer

record_evidence_event = audit_writer("evidence")
