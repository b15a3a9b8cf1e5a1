"""Transfer packages for the police: report, decision and receipt, signed, and its panel.

The transfer service appends its audit events through `record_transfer_event`.
"""

from enforcement_desk.feature_audit import audit_writer

record_transfer_event = audit_writer("transfer")
