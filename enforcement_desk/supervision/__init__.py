"""Supervision beside the cases: publicity, random inspections, credit, complaints, statistics.

Every supervision service appends its audit event through `record_supervision_event`.
"""

from enforcement_desk.feature_audit import audit_writer

record_supervision_event = audit_writer("supervision")
