"""The application log: crash references, and no password ever written."""

from __future__ import annotations

import logging
import re
import sys

from enforcement_desk.app_logging import configure_logging, install_excepthook, log_file, mask_secrets


def test_database_passwords_are_masked_in_any_logged_text():
    assert mask_secrets("连接 postgresql+psycopg://officer:S3cret!@10.0.0.5:5432/ed 失败") == (
        "连接 postgresql+psycopg://officer:***@10.0.0.5:5432/ed 失败"
    )
    assert mask_secrets("sqlite:////home/u/ed.sqlite3") == "sqlite:////home/u/ed.sqlite3"


def test_an_uncaught_error_is_logged_under_the_reference_shown_to_the_user(monkeypatch):
    path = configure_logging()
    assert path == log_file()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(lambda reference, message: shown.append((reference, message)))
    try:
        raise RuntimeError("无法连接 postgresql+psycopg://officer:S3cret@db/ed")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    for handler in logging.getLogger().handlers:
        handler.flush()
    ((reference, message),) = shown
    assert re.fullmatch(r"ED-\d{8}-\d{4}-[0-9A-F]{4}", reference)
    assert "S3cret" not in message
    for handler in [h for h in logging.getLogger().handlers if getattr(h, "_enforcement_desk", False)]:
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = path.read_text(encoding="utf-8")
    assert reference in text and "RuntimeError" in text
    assert "S3cret" not in text
