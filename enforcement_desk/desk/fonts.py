"""A Chinese UI font that exists on this machine: Windows 微软雅黑/宋体, Linux WenQuanYi/Noto/AR PL."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

PREFERRED_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimSun",
    "AR PL UMing CN",
)


def choose_ui_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((family for family in PREFERRED_FAMILIES if family in available), None)


def apply_chinese_font(app: QApplication) -> str | None:
    family = choose_ui_family()
    if family:
        font = QFont(family)
        font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
        app.setFont(font)
    return family
