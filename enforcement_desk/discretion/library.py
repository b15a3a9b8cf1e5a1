"""The discretion benchmark library on disk: the bundled one under resources/benchmarks, or a folder."""

from __future__ import annotations

from pathlib import Path

from enforcement_desk.core.discretion.benchmarks import (
    BenchmarkFormatError,
    BenchmarkLibrary,
    parse_library_texts,
)


def load_library(directory: Path) -> BenchmarkLibrary:
    """All *.toml files of `directory` as one library (library.toml the header, the others its areas)."""
    if not (directory / "library.toml").is_file():
        raise BenchmarkFormatError(f"找不到裁量基准库文件 {directory / 'library.toml'}")
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.toml"))}
    return parse_library_texts(texts, source=directory.name)
