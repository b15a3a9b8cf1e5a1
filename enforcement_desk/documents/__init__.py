"""Documents of a case: templates, PDF/DOCX rendering, the rules of issue, the case file, and its panel.

The document service appends its audit events through `record_documents_event`.
"""

from enforcement_desk.feature_audit import audit_writer

record_documents_event = audit_writer("documents")
