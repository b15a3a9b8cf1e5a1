"""Discretion benchmarks applied to a case: the service and its 裁量 panel.

The discretion service appends its audit events through `record_discretion_event`.
"""

from enforcement_desk.feature_audit import audit_writer

record_discretion_event = audit_writer("discretion")
