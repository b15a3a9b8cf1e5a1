"""The desk's shell: application, main window, start-up, background work, shared widgets and messages."""
