"""The application log: a rotating file in the user's log directory, and a reference for every crash.

An officer who hits an unexpected error reads a short reference (e.g. ED-20261122-1930-4F2A) to the
IT admin, who finds the full traceback in the log under that reference.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import datetime
from pathlib import Path
from types import TracebackType

# logging.handlers, secrets, traceback and the user folders are imported where used: this module
# loads before the desk's window shows, and they would add a tenth to that.

LOG_FILE_NAME = "enforcement-desk.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Never let a database password reach the log, whatever code formats a URL.
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z0-9+]+://[^:/@\s]+):(?P<password>[^@\s]+)@", re.IGNORECASE)

logger = logging.getLogger("enforcement_desk")


def mask_secrets(text: str) -> str:
    """The text with any password in a database URL replaced by ***."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('scheme')}:***@", text)


class _MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


def log_file() -> Path:
    """Where the application log is written."""
    from enforcement_desk.paths import user_log_dir

    return user_log_dir() / LOG_FILE_NAME


def configure_logging(level: int = logging.INFO) -> Path:
    """Attach the rotating file handler once; returns the log file's path."""
    path = log_file()
    root = logging.getLogger()
    if not any(getattr(h, "_enforcement_desk", False) for h in root.handlers):
        from logging.handlers import RotatingFileHandler

        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        handler.setFormatter(_MaskingFormatter(_FORMAT))
        handler._enforcement_desk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return path


def new_error_reference(now: datetime | None = None) -> str:
    """A short reference (ED-date-time-random) that ties an error shown to the user to its log entry."""
    import secrets

    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    return f"ED-{stamp}-{secrets.token_hex(2).upper()}"


def log_unexpected_error(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, *, context: str = ""
) -> str:
    """Write the traceback under a fresh reference and return the reference for the user."""
    import traceback

    reference = new_error_reference()
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    logger.error("未预期的错误 %s %s\n%s", reference, context, text)
    return reference


def install_excepthook(show_to_user=None) -> None:  # a callable(reference, message)
    """Route uncaught exceptions to the log; `show_to_user(reference, message)` tells the user."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        reference = log_unexpected_error(exc_type, exc, tb)
        if show_to_user is not None:
            show_to_user(reference, mask_secrets(str(exc)))
        else:
            print(
                f"程序发生未预期的错误（参考编号 {reference}），详情已写入日志：{log_file()}", file=sys.stderr
            )

    sys.excepthook = hook
