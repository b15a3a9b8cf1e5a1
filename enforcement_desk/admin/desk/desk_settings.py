"""Where the desk remembers its window layout, list columns and chosen server."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from enforcement_desk import APP_NAME


def desk_settings() -> QSettings:
    """The user's own settings; with ENFORCEMENT_DESK_HOME (a second desk, a benchmark, each test)
    a file in that folder instead, so such a run neither reads nor changes the user's layout."""
    home = os.environ.get("ENFORCEMENT_DESK_HOME")
    if home:
        return QSettings(str(Path(home) / "desk.ini"), QSettings.Format.IniFormat)
    return QSettings(APP_NAME, "desk")


# Where the desk opens its database is the restoring PC's own choice: a backup's path may not exist there.
NOT_RESTORED_GROUPS = ("database/",)


def export_desk_settings(path: Path) -> int:
    """Copy every desk setting into an INI file (from the registry on Windows); returns how many."""
    source, target = desk_settings(), QSettings(str(path), QSettings.Format.IniFormat)
    keys = source.allKeys()
    for key in keys:
        target.setValue(key, source.value(key))
    target.sync()
    return len(keys)


def import_desk_settings(path: Path) -> int:
    """Put the settings of an INI file made by export_desk_settings back; returns how many."""
    source, target = QSettings(str(path), QSettings.Format.IniFormat), desk_settings()
    keys = [key for key in source.allKeys() if not key.startswith(NOT_RESTORED_GROUPS)]
    for key in keys:
        target.setValue(key, source.value(key))
    target.sync()
    return len(keys)
