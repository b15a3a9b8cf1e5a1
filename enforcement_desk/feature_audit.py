"""How a feature's services write the audit trail: through the feature's own writer, never the store.

Each feature package says `record_<feature>_event = audit_writer("<feature>")` once; its services call
that. The event goes to `store.audit.append_event` unchanged (same rows, same hash chain), imported when
first written so a feature's desk panels can load before the database layer does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def audit_writer(feature: str) -> Callable[..., Any]:
    """The one function through which `feature`'s services append an event, inside their transaction."""

    def record(session: Any, **event: Any) -> Any:
        from enforcement_desk.store.audit import append_event

        return append_event(session, **event)

    record.__name__ = record.__qualname__ = f"record_{feature}_event"
    record.__doc__ = (
        f"Append a {feature} service's event to the audit trail (store.audit.append_event's arguments)."
    )
    return record
