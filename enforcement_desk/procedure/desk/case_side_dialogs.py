"""Records that belong to a stage without moving the case: hearing, waiver, discussion, extension."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from PySide6.QtWidgets import QWidget

from enforcement_desk.commands.arguments import parse_opinions
from enforcement_desk.context import Actor, AppContext, split_list
from enforcement_desk.core.errors import DomainError
from enforcement_desk.procedure import steps as procedure
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.desk.action_dialog import Field, FormDialog


def hearing_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (
        Field("held_on", "听证日期", "date", True),
        Field("place", "听证地点"),
        Field("host", "听证主持人（非本案调查人员）", required=True),
        Field("recorder", "记录人（非本案调查人员）"),
        Field("public", "公开举行", "choice", True, ("公开", "不公开")),
        Field("attendees", "参加人员（以顿号或逗号分隔）"),
        Field("party_statements", "当事人的陈述、申辩和质证意见", "multiline"),
        Field("record", "听证笔录要点", "multiline", True),
        Field("opinion", "听证意见"),
        # No preset: whether the party signed is a fact the officer states, never a default (art. 64(八)).
        Field("party_signature", "当事人签名情况", "choice", True, ("", *procedure.PARTY_SIGNATURES)),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        minutes = procedure.HearingMinutes(
            held_on=v["held_on"], host=v["host"], record=v["record"], opinion=v.get("opinion", ""),
            recorder=v.get("recorder", ""), place=v.get("place", ""), public=v.get("public") == "公开",
            attendees=tuple(split_list(v.get("attendees", ""))), party_statements=v.get("party_statements", ""),
            party_signature=v.get("party_signature", ""),
        )  # fmt: skip
        return procedure.record_hearing(ctx, actor, case.id, minutes)

    return FormDialog(ctx, case, "登记听证", fields, submit, parent)


def hearing_notice_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """听证通知书: time, place, host, recorder and whether the hearing is public (行政处罚法 art. 64(二)(三))."""
    fields = (
        Field("served_on", "通知书送达日期", "date", True),
        Field("day", "听证日期", "later_date", True),
        Field("time", "听证时间（时:分）", required=True, preset=("09:30",)),
        Field("place", "听证地点", required=True),
        Field("host", "听证主持人（非本案调查人员）", required=True),
        Field("recorder", "记录人（非本案调查人员）"),
        Field("public", "公开举行", "choice", True, ("公开", "不公开")),
        Field("not_public_reason", "不公开的理由（国家秘密、商业秘密或者个人隐私）"),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        try:
            at = datetime.combine(v["day"], time.fromisoformat(str(v["time"]).strip().replace("：", ":")))
        except ValueError:
            raise DomainError(f"听证时间格式不正确：“{v['time']}”（应为 时:分，如 09:30）") from None
        return procedure.arrange_hearing(
            ctx, actor, case.id, scheduled_at=at, place=v["place"], host=v["host"], recorder=v.get("recorder", ""),
            public=v.get("public") != "不公开", not_public_reason=v.get("not_public_reason", ""),
            served_on=v["served_on"],
        )  # fmt: skip

    return FormDialog(ctx, case, "安排听证", fields, submit, parent)


def waiver_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (Field("note", "放弃陈述申辩的书面材料", "multiline", True),)
    return FormDialog(
        ctx,
        case,
        "当事人书面放弃陈述申辩",
        fields,
        lambda v: procedure.waive_defence(ctx, actor, case.id, note=v["note"]),
        parent,
    )


def discussion_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (
        Field("held_on", "讨论日期", "date", True),
        Field("participants", "参加人员（用顿号分隔）", required=True),
        Field("opinions", "各人意见（每行 姓名：意见）", "multiline", True),
        Field("conclusion", "讨论结论", "multiline", True),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        participants = [
            p.strip()
            for p in v["participants"].replace(",", "、").replace("，", "、").split("、")
            if p.strip()
        ]
        return procedure.record_discussion(
            ctx, actor, case.id, held_on=v["held_on"], participants=participants,
            opinions=parse_opinions(v["opinions"].splitlines()), conclusion=v["conclusion"],
        )  # fmt: skip

    return FormDialog(ctx, case, "登记集体讨论", fields, submit, parent)


def extension_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (Field("days", "延长天数", required=True), Field("reason", "延期理由", "multiline", True))

    def submit(v: dict[str, Any]) -> CaseDetail:
        try:
            days = int(v["days"])
        except ValueError:
            raise DomainError(f"延长天数应为整数，收到“{v['days']}”") from None
        return procedure.extend_decision_deadline(ctx, actor, case.id, days=days, reason=v["reason"])

    return FormDialog(ctx, case, "延长办案期限", fields, submit, parent)
