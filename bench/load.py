"""Shared pieces of the benchmarks: servers on loopback, and wrk to load them.

Every load is bounded (a fixed duration) and aimed only at 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    errors: int

    def line(self) -> str:
        return (
            f"{self.name:<44} {self.requests_per_second:>9.1f} req/s   "
            f"p50 {self.p50_ms:>7.1f} ms   p95 {self.p95_ms:>7.1f} ms   errors {self.errors}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def serving(command: Sequence[str], *, url: str, env: dict[str, str] | None = None) -> Iterator[None]:
    """Start a server, wait until `url` answers, stop it afterwards."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(list(command), cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=log)
        try:
            wait_for(url)
            yield
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def gunicorn(module: str, port: int, *, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", module,
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--log-level", "warning", "--access-logfile", "/dev/null",
    ]  # fmt: skip


_LUA = """
local paths = {%s}
local headers = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  io.write(string.format("NURTURE %%d %%d %%f %%f %%d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000.0, latency:percentile(95) / 1000.0,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load(
    name: str,
    base_url: str,
    paths: Sequence[str],
    *,
    connections: int,
    seconds: int,
    headers: Mapping[str, str] | None = None,
) -> Result:
    """Load `paths` (in turn) on `base_url` with wrk, each request with `headers`;
    requests per second and latency."""
    quoted = ", ".join(_lua_string(p) for p in paths)
    sent = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % (quoted, sent))
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, base_url],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    found = re.search(r"NURTURE (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", output)
    if not found:
        raise RuntimeError(f"wrk said:\n{output}")
    requests, micros, p50, p95, errors = found.groups()
    return Result(name, int(requests) / (int(micros) / 1e6), float(p50), float(p95), int(errors))


def postgres_copy(url: str, *, marker: Path, wanted: str, build: Callable[[], None], what: str) -> str | None:
    """A database at `url` made once by `build` (again when `marker` no longer says
    `wanted`), and a fresh copy of it for this run (CREATE DATABASE … TEMPLATE): the copy's
    URL, or None when PostgreSQL is not reachable (its pass is then left out, and said so)."""
    try:
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        built = url.rsplit("/", 1)[1]
        working = built + "_run"
        with psycopg.connect(admin, connect_timeout=3, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [built]).fetchone()
            if not (exists and marker.exists() and marker.read_text() == wanted):
                connection.execute(f'DROP DATABASE IF EXISTS "{built}"')
                connection.execute(f'CREATE DATABASE "{built}"')
                marker.unlink(missing_ok=True)
    except Exception as error:
        print(f"PostgreSQL not reachable at {url.split('@')[-1]} ({error}); {what} is left out.")
        return None
    if not marker.exists():
        print(f"Making the {what} data on PostgreSQL ({built}, once) …", flush=True)
        started = time.monotonic()
        build()
        marker.write_text(wanted)
        print(f"\nMade in {time.monotonic() - started:.0f} s.", flush=True)
    with psycopg.connect(admin, connect_timeout=3, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{working}"')
        connection.execute(f'CREATE DATABASE "{working}" TEMPLATE "{built}"')
    return url.rsplit("/", 1)[0] + "/" + working
