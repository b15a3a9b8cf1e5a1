"""The one error type every layer raises for a user-facing refusal."""


class DomainError(Exception):
    """A refusal a user can read: the message is Chinese and names the rule.

    The GUI shows ``message`` as is; the CLI prints it and exits non-zero.
    ``rule`` optionally names the article or setting behind the refusal.
    """

    def __init__(self, message: str, *, rule: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.details = list(details or [])

    def __str__(self) -> str:
        text = self.message
        if self.rule:
            text += f"（依据：{self.rule}）"
        if self.details:
            text += "\n" + "\n".join(f"· {d}" for d in self.details)
        return text


class PermissionDenied(DomainError):
    """The acting user's role or relation to the case does not allow the action."""


class NotFound(DomainError):
    """A referenced case, party, user or document does not exist."""


class ConcurrentChange(DomainError):
    """Someone else saved first; nothing was overwritten."""


class DatabaseBusy(DomainError):
    """Another user's transaction held the database (or the rows needed) past the wait allowed; nothing
    was saved, and the same action may simply be tried again."""
