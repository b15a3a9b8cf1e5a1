"""Finding and registering a TrueType CJK font that reportlab can embed.

reportlab embeds only TrueType outlines (.ttf/.ttc); CFF-based OpenType (Noto CJK .otf) cannot be
embedded, and the built-in CID font STSong-Light is referenced, not embedded, so a court's PC may
print it with another face. We therefore insist on a real TrueType file.
"""

from __future__ import annotations

import contextlib
import functools
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

# Faces for what the 仿宋/宋体 faces lack: 生僻字 of CJK Extension B and beyond (花園明朝 A/B, SimSun-ExtB)
# and symbols and emoji in outline (Symbola, Segoe UI Symbol). Colour emoji fonts (CBDT) hold no
# outlines reportlab can embed, so they are not candidates.
_WINDOWS_FALLBACK = [("simsunb.ttf", 0), ("seguisym.ttf", 0)]
_UNIX_FALLBACK = [
    ("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", 0),
    ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", 0),
]

BODY_FONT_NAME = "EDBody"
TITLE_FONT_NAME = "EDTitle"
FALLBACK_FONT_PREFIX = "EDFallback"
# 〓 (geta mark) is what Chinese typesetting prints for a character it has no type for: visible, and
# every CJK face has it, unlike a blank or the \x00 a missing glyph used to become.
MISSING_GLYPH = "〓"


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


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """The ToUnicode CMap reportlab writes, but with each character as UTF-16 (a surrogate pair beyond U+FFFF).
    reportlab 4/5 writes such a code point as five hex digits, which PDF readers reject: copying or
    searching 𠀀 or 😀 in the PDF then yields nothing."""
    pairs = [f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar", *pairs,
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])  # fmt: skip


def find_fallback_fonts() -> list[FontFace]:
    """The fallback faces present on this machine, in the order they are tried."""
    candidates: list[FontFace] = []
    if sys.platform.startswith("win"):
        candidates += [FontFace(_windows_fonts_dir() / name, idx) for name, idx in _WINDOWS_FALLBACK]
    candidates += [FontFace(Path(path), idx) for path, idx in _UNIX_FALLBACK]
    return [face for face in candidates if face.path.is_file()]


_registered: FontChoice | None = None
_fallback_names: list[str] = []
_coverage: dict[str, frozenset[int]] = {}


def _code_points(font_name: str) -> frozenset[int]:
    if font_name not in _coverage:
        from reportlab.pdfbase import pdfmetrics

        _coverage[font_name] = frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)
    return _coverage[font_name]


def font_runs(text: str, font_name: str) -> list[tuple[str, str]]:
    """`text` cut into (font, piece) runs: each character in `font_name` when that face has it, else in
    the first fallback face that has it, else as MISSING_GLYPH in `font_name`. Line breaks and other
    control characters stay in the main face (the layout handles them, no glyph is drawn)."""
    register_cjk_fonts()
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = font_name
        if ord(ch) >= 0x20 and ord(ch) not in _code_points(font_name):
            font = next((f for f in _fallback_fonts() if ord(ch) in _code_points(f)), "")
            if not font:
                font, ch = font_name, MISSING_GLYPH
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def markup(text: str, font_name: str) -> str:
    """Reportlab Paragraph markup for `text` in `font_name`, characters that face lacks set in a
    fallback face (生僻字, emoji) or printed as 〓, never as an empty box or a NUL."""
    from xml.sax.saxutils import escape

    return "".join(
        escape(piece) if font == font_name else f'<font name="{font}">{escape(piece)}</font>'
        for font, piece in font_runs(text, font_name)
    ).replace("\n", "<br/>")


# Parsing a 17–30 MB font with reportlab takes 0.1–0.2 s a face, five faces in every process that prints; the
# parsed metrics are kept in the user's cache and the file itself is read only when a PDF embeds the face.
FONT_CACHE_VERSION = 1


def _font_cache_file(face: FontFace) -> Path | None:
    import hashlib

    import reportlab

    from enforcement_desk.paths import user_cache_dir

    try:
        stat = face.path.stat()
        folder = user_cache_dir() / "fonts"
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    key = "|".join(map(str, (FONT_CACHE_VERSION, face.path.resolve(), face.subfont_index, stat.st_size,
                             stat.st_mtime_ns, reportlab.Version, sys.version_info[:2])))  # fmt: skip
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.font"


def _packed(value):
    """A parsed table as flat machine arrays where it is one (charToGlyph, charWidths, hmetrics, glyphPos:
    tens of thousands of numbers that load a hundred times faster so than as Python objects)."""
    from array import array

    def numbers(items, code: str, kind: type) -> bytes | None:
        items = list(items)
        return array(code, items).tobytes() if all(type(x) is kind for x in items) else None

    if isinstance(value, dict) and value and all(type(k) is int for k in value):
        keys = array("q", value).tobytes()
        for code, kind in (("q", int), ("d", float)):
            packed = numbers(value.values(), code, kind)
            if packed is not None:
                return ("dict", code, keys, packed)
        if all(type(v) is list for v in value.values()):
            lengths, flat = numbers(map(len, value.values()), "q", int), numbers(
                (x for v in value.values() for x in v), "q", int)  # fmt: skip
            if flat is not None:
                return ("dict-of-lists", keys, lengths, flat)
    if isinstance(value, list) and len(value) > 16:
        packed = numbers(value, "q", int)
        if packed is not None:
            return ("list", packed)
        if all(type(x) is tuple and len(x) == 2 for x in value):
            packed = numbers((n for pair in value for n in pair), "q", int)
            if packed is not None:
                return ("pairs", packed)
    return ("plain", value)


def _unpacked(packed):
    from array import array

    def numbers(data: bytes, code: str = "q") -> list:
        return array(code, data).tolist()

    kind = packed[0]
    if kind == "dict":
        return dict(zip(numbers(packed[2]), numbers(packed[3], packed[1]), strict=True))
    if kind == "dict-of-lists":
        keys, lengths, flat = numbers(packed[1]), numbers(packed[2]), numbers(packed[3])
        values, at = [], 0
        for length in lengths:
            values.append(flat[at : at + length])
            at += length
        return dict(zip(keys, values, strict=True))
    if kind == "list":
        return numbers(packed[1])
    if kind == "pairs":
        flat = numbers(packed[1])
        return list(zip(flat[::2], flat[1::2], strict=True))
    return packed[1]


@functools.cache
def _lazy_face_class():
    from reportlab.pdfbase.ttfonts import TTFontFace

    class LazyFace(TTFontFace):
        """A parsed face whose file is read when a subset is embedded, not when it is registered."""

        @property
        def _ttf_data(self) -> bytes:
            if "_data" not in self.__dict__:
                self.__dict__["_data"] = Path(self.filename).read_bytes()
            return self.__dict__["_data"]

        @_ttf_data.setter
        def _ttf_data(self, value: bytes) -> None:
            self.__dict__["_data"] = value

    return LazyFace


def _cached_font(name: str, path: Path):
    """The TTFont stored at `path`, or None when it is missing, unreadable or not a font's state. marshal,
    not pickle: a file planted in the cache can hold only data, never code that runs."""
    import marshal
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont

    try:
        font_state, face_state, name_keys = marshal.loads(path.read_bytes())
        lazy_face = _lazy_face_class()
        face = lazy_face.__new__(lazy_face)
        face.__dict__.update({key: _unpacked(value) for key, value in face_state.items()})
        face.__dict__.update({key: TTFNameBytes(face.__dict__[key]) for key in name_keys})
        scale = 1000 / face.unitsPerEm
        face._pdfScale = (lambda x: x) if face.unitsPerEm == 1000 else (lambda x: x * scale)
        font = TTFont.__new__(TTFont)
        font.__dict__.update(font_state, fontName=name, face=face, encoding=TTEncoding(), state=WeakKeyDictionary())
        return font
    except Exception:  # noqa: BLE001 - a stale or damaged cache is parsed afresh and rewritten
        return None


def _store_font(font, path: Path) -> None:
    import marshal
    import tempfile

    from reportlab.pdfbase.ttfonts import TTFNameBytes

    font_state = {k: v for k, v in vars(font).items() if k not in {"fontName", "face", "state", "encoding"}}
    face_state = {k: v for k, v in vars(font.face).items() if k not in {"_ttf_data", "_data", "_pdfScale"}}
    name_keys = [k for k, v in face_state.items() if isinstance(v, TTFNameBytes)]
    face_state = {k: _packed(bytes(v) if k in name_keys else v) for k, v in face_state.items()}
    temporary = None
    try:
        data = marshal.dumps((font_state, face_state, name_keys))
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".tmp", delete=False) as handle:
            temporary = handle.name
            handle.write(data)
        os.replace(temporary, path)  # atomic: another process reads the old file or the new, never half
    except (OSError, ValueError):  # an unwritable folder, a state marshal cannot hold: parse next time too
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def parsed_font(name: str, face: FontFace):
    """The reportlab TTFont for `face` under `name`, from the cache when this file was parsed before."""
    from reportlab.pdfbase.ttfonts import TTFont

    cache_file = _font_cache_file(face)
    font = _cached_font(name, cache_file) if cache_file and cache_file.is_file() else None
    if font is None:
        font = TTFont(name, str(face.path), subfontIndex=face.subfont_index)
        if cache_file is not None:
            _store_font(font, cache_file)
    return font


def register_cjk_fonts() -> tuple[str, str]:
    """Register the chosen faces with reportlab once; return (body_font_name, title_font_name)."""
    global _registered
    from reportlab.pdfbase import pdfmetrics

    if _registered is None:
        from reportlab.pdfbase import ttfonts

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        choice = find_cjk_fonts()
        pdfmetrics.registerFont(parsed_font(BODY_FONT_NAME, choice.body))
        pdfmetrics.registerFont(parsed_font(TITLE_FONT_NAME, choice.title))
        _registered = choice
    return BODY_FONT_NAME, TITLE_FONT_NAME


_fallbacks_registered = False


def _fallback_fonts() -> list[str]:
    """The fallback faces' reportlab names, registered the first time a text needs one: most documents
    never do, and these faces are the largest (花園明朝 A/B 53 MB)."""
    global _fallbacks_registered
    from reportlab.pdfbase import pdfmetrics

    if not _fallbacks_registered:
        _fallbacks_registered = True
        for index, face in enumerate(find_fallback_fonts()):
            name = f"{FALLBACK_FONT_PREFIX}{index}"
            try:
                pdfmetrics.registerFont(parsed_font(name, face))
            except Exception:  # noqa: BLE001 - a broken optional face only means its characters print as 〓
                continue
            _fallback_names.append(name)
    return _fallback_names
