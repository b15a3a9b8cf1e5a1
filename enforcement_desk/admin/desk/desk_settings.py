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
