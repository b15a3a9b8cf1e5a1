"""Where the application finds its bundled files and keeps the user's data.

Works from the source tree, from an editable install and from a PyInstaller bundle
(``sys._MEIPASS``), so no caller builds a path relative to the current directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

from enforcement_desk import APP_NAME


def app_root() -> Path:
    """The folder the program's resources live in (the bundle when frozen, else the source tree)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The bundled data files (the benchmark library, among others)."""
    return app_root() / "resources"


def templates_dir() -> Path:
    """The shipped document templates."""
    return app_root() / "templates"


def forms_dir() -> Path:
    """The desk's Qt Designer forms (.ui)."""
    return app_root() / "forms"


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, appauthor=False)


def user_data_dir() -> Path:
    """The user's data folder (ENFORCEMENT_DESK_HOME if set), created if missing."""
    override = os.environ.get("ENFORCEMENT_DESK_HOME")
    path = Path(override) if override else Path(_dirs().user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    """The user's log folder (under ENFORCEMENT_DESK_HOME if set), created if missing."""
    override = os.environ.get("ENFORCEMENT_DESK_HOME")
    path = Path(override) / "logs" if override else Path(_dirs().user_log_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_cache_dir() -> Path:
    """Where derived data that can be rebuilt at any time is kept (parsed fonts): ENFORCEMENT_DESK_CACHE if
    set, else the platform's cache folder; not under ENFORCEMENT_DESK_HOME, as it holds nothing of a
    database and one copy serves them all. Created if missing."""
    override = os.environ.get("ENFORCEMENT_DESK_CACHE")
    path = Path(override) if override else Path(_dirs().user_cache_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """The embedded database's default file."""
    return user_data_dir() / "enforcement_desk.sqlite3"


def default_evidence_dir(database_path: Path | None = None) -> Path:
    """The blob store lives beside the database file it belongs to."""
    base = database_path.parent if database_path else user_data_dir()
    return base / "evidence_store"
