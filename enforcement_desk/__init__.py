"""执法案件办理桌面端 (Enforcement Desk)."""

__version__ = "0.1.0"
APP_NAME = "EnforcementDesk"
APP_TITLE = "执法案件办理桌面端"
