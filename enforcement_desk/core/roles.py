"""User roles of an enforcement unit."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The roles of users: 执法人员, 法制审核人员, 负责人, 管理员."""

    OFFICER = "officer"
    REVIEWER = "reviewer"
    HEAD = "head"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named by its value or its Chinese label; refuses anything else, listing the choices."""
        for role in cls:
            if text in (role.value, ROLE_LABELS[role]):
                return role
        from enforcement_desk.core.errors import DomainError

        choices = "、".join(f"{r.value}（{r.label}）" for r in cls)
        raise DomainError(f"未知的角色“{text}”，可选：{choices}")


ROLE_LABELS = {
    Role.OFFICER: "执法人员",
    Role.REVIEWER: "法制审核人员",
    Role.HEAD: "负责人",
    Role.ADMIN: "管理员",
}
