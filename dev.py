#!/usr/bin/env python3
"""Set up and run Enforcement Desk from a fresh checkout.

    python3 dev.py app     # set everything up, then open the desktop app on the embedded database
    python3 dev.py test    # set everything up, then run the whole test suite (SQLite and PostgreSQL)
    python3 dev.py build   # the installable one-folder bundle in dist/EnforcementDesk (PyInstaller)

Setup is idempotent: system packages (Debian/Ubuntu: Chinese fonts, PostgreSQL for the server tests,
the Qt runtime libraries) are installed with apt when missing, the virtual environment .venv is
created and the package installed into it when pyproject.toml changed, and the Qt Designer forms
are compiled. Only the standard library is used here, so it runs on a bare Python.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
IS_WINDOWS = os.name == "nt"
BIN = VENV / ("Scripts" if IS_WINDOWS else "bin")
PYTHON = BIN / ("python.exe" if IS_WINDOWS else "python")

FONT_PACKAGES = ["fonts-wqy-zenhei", "fonts-arphic-uming", "fonts-hanazono", "fonts-symbola"]
TEST_PACKAGES = ["postgresql", "postgresql-contrib", "poppler-utils", "zip", "unzip"]
GUI_PACKAGES = [
    "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1", "libdbus-1-3",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0", "libxcb-render-util0",
    "libxcb-image0", "libxcb-randr0", "libxcb-xinerama0", "libxcb-xkb1",
]


def say(text: str) -> None:
    """Print a progress line of this script."""
    print(f"[dev] {text}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    """Run a command, stopping the script when it fails."""
    subprocess.run(cmd, check=True, **kwargs)


def apt_install(packages: list[str]) -> None:
    """Install the Debian packages that are missing; skipped where there is no apt."""
    if IS_WINDOWS or sys.platform == "darwin" or not shutil.which("apt-get") or not shutil.which("dpkg-query"):
        return
    missing = []
    for package in packages:
        probe = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in probe.stdout:
            missing.append(package)
    if not missing:
        return
    prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if prefix is None:
        say(f"缺少系统软件包 {' '.join(missing)}，且无 root 权限：请手动安装")
        return
    say(f"apt-get install {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(prefix + ["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
    run(prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env, stdout=subprocess.DEVNULL)


def ensure_venv() -> None:
    """Create .venv with this Python when it does not exist yet."""
    if not PYTHON.exists():
        say("创建虚拟环境 .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed-hash"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("安装依赖（pip install -e .[test]）")
    run([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"])
    stamp.write_text(digest)


def compile_forms() -> None:
    """Compile the Qt Designer forms into Python modules."""
    run([str(PYTHON), "-m", "enforcement_desk.desk.compile_forms"], cwd=ROOT)


def setup(extra_packages: list[str]) -> None:
    """Create the venv and install the project with `extra_packages`."""
    apt_install(FONT_PACKAGES + extra_packages)
    ensure_venv()
    compile_forms()


def cmd_app(args: list[str]) -> int:
    """Set everything up and start the desk on the embedded database."""
    setup(GUI_PACKAGES)
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            say("没有图形显示（DISPLAY 未设置）：请在桌面环境中运行，或设置 QT_QPA_PLATFORM=offscreen 做无界面试运行")
            return 1
    return subprocess.call([str(BIN / ("enforcement-desk.exe" if IS_WINDOWS else "enforcement-desk")), *args])


def cmd_test(args: list[str]) -> int:
    """Set everything up, lint, start a PostgreSQL test server when possible and run the tests."""
    setup(TEST_PACKAGES)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    say("ruff check")
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "enforcement_desk", "tests", "bench", "dev.py"], cwd=ROOT)
    if lint:
        return lint
    sys.path.insert(0, str(ROOT / ".ci"))
    from pg_cluster import PostgresCluster  # lives beside the CI script

    cluster = PostgresCluster.start_if_possible()
    try:
        if cluster:
            env["ED_TEST_PG_URL"] = cluster.url
            say(f"PostgreSQL 测试服务器：{cluster.url}")
        else:
            say("未能启动 PostgreSQL：服务器相关测试将被跳过")
        # One worker per core: each test makes its own database files and server database, so they run
        # side by side; `python3 dev.py test -n 0 …` runs in one process.
        workers = [] if any(a == "-n" or a.startswith("-n") for a in args) else ["-n", "auto"]
        return subprocess.call([str(PYTHON), "-m", "pytest", "-q", *workers, *args], cwd=ROOT, env=env)
    finally:
        if cluster:
            cluster.stop()


def cmd_build(args: list[str]) -> int:
    """The installable one-folder bundle in dist/EnforcementDesk (PyInstaller, installer.spec)."""
    setup(GUI_PACKAGES)
    say("安装打包工具（pip install -e .[build]）")
    run([str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test,build]"])
    compile_forms()
    return subprocess.call([str(PYTHON), "-m", "PyInstaller", "--noconfirm", *args, "installer.spec"], cwd=ROOT)


def main() -> int:
    """`python3 dev.py app|test|build …`."""
    commands = {"app": cmd_app, "test": cmd_test, "build": cmd_build}
    if len(sys.argv) < 2 or sys.argv[1] not in (*commands, "setup"):
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "setup":
        setup(TEST_PACKAGES + GUI_PACKAGES)
        return 0
    return commands[command](rest)


if __name__ == "__main__":
    sys.exit(main())
