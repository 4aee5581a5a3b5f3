"""The embedded server's backend finds a stopped server and starts it again, or says why not.

The whole path, with real servers and app processes, is in tests/security/test_database_restart.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
import pytest

from polis_assess.embedded_postgres import base


class StoppedServer:
    """A pgserver handle whose data folder has no running server and whose start fails."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        self.starts = 0

    @property
    def _lock(self):
        return base.threading.Lock()

    def ensure_postgres_running(self) -> None:
        self.starts += 1
        raise subprocess.CalledProcessError(1, ["pg_ctl", "start"])


def test_a_failed_start_of_the_embedded_server_is_a_database_error(tmp_path):
    server = StoppedServer(tmp_path)  # no postmaster.pid: nothing runs there

    with pytest.raises(psycopg2.OperationalError, match="embedded PostgreSQL did not start"):
        base.running_socket_dir(server)

    assert server.starts == 1  # it tried, rather than connecting to a remembered socket
