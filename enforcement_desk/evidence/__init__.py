"""The full-process record's evidence: the service and its 证据 panel."""
