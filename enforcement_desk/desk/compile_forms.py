"""Compile the Qt Designer files in forms/ into Python modules (enforcement_desk/desk/forms_compiled/).

Run by both setup commands (`python3 dev.py app|test`) and by the installer build; a form is
recompiled only when its .ui file is newer than the module. The GUI imports the compiled modules,
so starting the app needs no uic at run time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from enforcement_desk.paths import forms_dir

OUTPUT = Path(__file__).resolve().parent / "forms_compiled"


def _uic() -> list[str]:
    exe = Path(sys.executable).parent / ("pyside6-uic.exe" if sys.platform == "win32" else "pyside6-uic")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("pyside6-uic")
    if found:
        return [found]
    raise SystemExit("找不到 pyside6-uic：请先安装 PySide6（python3 dev.py setup）")


def compile_all(force: bool = False) -> list[Path]:
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "__init__.py").write_text('"""Generated from forms/*.ui by compile_forms; do not edit."""\n')
    written = []
    for ui_file in sorted(forms_dir().glob("*.ui")):
        target = OUTPUT / f"ui_{ui_file.stem}.py"
        if not force and target.exists() and target.stat().st_mtime >= ui_file.stat().st_mtime:
            continue
        subprocess.run([*_uic(), str(ui_file), "-o", str(target)], check=True)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in compile_all(force="--force" in sys.argv):
        print(f"compiled {path.name}")
