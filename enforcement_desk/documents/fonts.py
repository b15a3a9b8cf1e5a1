"""Finding and registering a TrueType CJK font that reportlab can embed.

reportlab embeds only TrueType outlines (.ttf/.ttc); CFF-based OpenType (Noto CJK .otf) cannot be
embedded, and the built-in CID font STSong-Light is referenced, not embedded, so a court's PC may
print it with another face. We therefore insist on a real TrueType file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from enforcement_desk.core.errors import DomainError

FONT_ENV = "ENFORCEMENT_DESK_FONT"
TITLE_FONT_ENV = "ENFORCEMENT_DESK_TITLE_FONT"

# (path, subfont index) in order of preference: 仿宋 for body text as official documents use,
# then 宋体, then what Linux distributions ship.
_WINDOWS_BODY = [("simfang.ttf", 0), ("simsun.ttc", 0), ("simsunb.ttf", 0), ("msyh.ttc", 0)]
_WINDOWS_TITLE = [("simhei.ttf", 0), ("msyhbd.ttc", 0), ("simsun.ttc", 0)]
_UNIX_BODY = [
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
]
_UNIX_TITLE = [
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]

BODY_FONT_NAME = "EDBody"
TITLE_FONT_NAME = "EDTitle"


@dataclass(frozen=True)
class FontFace:
    """A font file and, for a collection, the index of the face in it."""

    path: Path
    subfont_index: int = 0


@dataclass(frozen=True)
class FontChoice:
    """The faces documents use: one for the body, one for titles."""

    body: FontFace
    title: FontFace


def _windows_fonts_dir() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def _candidates(env_var: str, windows: list[tuple[str, int]], unix: list[tuple[str, int]]) -> list[FontFace]:
    found: list[FontFace] = []
    configured = os.environ.get(env_var)
    if configured:
        found.append(FontFace(Path(configured), 0))
    if sys.platform.startswith("win"):
        found += [FontFace(_windows_fonts_dir() / name, idx) for name, idx in windows]
    found += [FontFace(Path(path), idx) for path, idx in unix]
    return found


def _first_truetype(candidates: list[FontFace]) -> FontFace | None:
    for face in candidates:
        if face.path.is_file() and face.path.suffix.lower() in {".ttf", ".ttc"}:
            return face
    return None


def find_cjk_fonts(configured_body: str | None = None, configured_title: str | None = None) -> FontChoice:
    """Return the body and title faces, or raise a DomainError telling the user what to install."""
    body_candidates = _candidates(FONT_ENV, _WINDOWS_BODY, _UNIX_BODY)
    title_candidates = _candidates(TITLE_FONT_ENV, _WINDOWS_TITLE, _UNIX_TITLE)
    if configured_body:
        body_candidates.insert(0, FontFace(Path(configured_body)))
    if configured_title:
        title_candidates.insert(0, FontFace(Path(configured_title)))
    body = _first_truetype(body_candidates)
    if body is None:
        raise DomainError(
            "未找到可嵌入的中文 TrueType 字体（.ttf/.ttc）。请在 Windows 上确认已安装仿宋或宋体，"
            "在 Linux 上安装 fonts-wqy-zenhei 或 fonts-arphic-uming，"
            f"或通过环境变量 {FONT_ENV} 指定字体文件路径。"
        )
    title = _first_truetype(title_candidates) or body
    return FontChoice(body=body, title=title)


_registered: FontChoice | None = None


def register_cjk_fonts() -> tuple[str, str]:
    """Register the chosen faces with reportlab once; return (body_font_name, title_font_name)."""
    global _registered
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _registered is None:
        choice = find_cjk_fonts()
        pdfmetrics.registerFont(
            TTFont(BODY_FONT_NAME, str(choice.body.path), subfontIndex=choice.body.subfont_index)
        )
        pdfmetrics.registerFont(
            TTFont(TITLE_FONT_NAME, str(choice.title.path), subfontIndex=choice.title.subfont_index)
        )
        _registered = choice
    return BODY_FONT_NAME, TITLE_FONT_NAME
