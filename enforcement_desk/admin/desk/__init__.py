"""The desk's sign-in, first-run and connection dialogs and its local settings."""
