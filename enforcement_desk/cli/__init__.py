"""The terminal: `enforcement-desk` command groups over the same services as the desk."""
