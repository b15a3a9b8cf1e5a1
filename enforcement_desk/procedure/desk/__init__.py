"""The desk's case views: list, workspace, panels and the dialogs of the procedure's steps."""
