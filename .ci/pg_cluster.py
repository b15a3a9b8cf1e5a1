"""A throw-away PostgreSQL cluster for the server tests: its own data folder, a free local port,
started before the suite and stopped after it. PostgreSQL refuses to run as root, so as root the
cluster runs as the `postgres` system user that Debian's package creates."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def _pg_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresCluster:
    data_dir: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start_if_possible(cls) -> PostgresCluster | None:
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not initdb or not pg_ctl:
            return None
        run_as: list[str] = []
        base = Path(tempfile.mkdtemp(prefix="ed-pg-"))
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            run_as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres", "postgres")
        data = base / "data"
        port = _free_port()
        subprocess.run(
            [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cluster = cls(data_dir=data, port=port, run_as=run_as)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return cluster
            time.sleep(0.2)
        cluster.stop()
        return None

    def stop(self) -> None:
        pg_ctl = _pg_bin("pg_ctl")
        subprocess.run(
            [*self.run_as, pg_ctl, "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)
