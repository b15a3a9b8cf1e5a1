"""The penalty procedure from acceptance to archive: its services, and in desk/ its panels."""
