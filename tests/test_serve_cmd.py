"""`dltutor serve` without a browser (issue 14): the argv every browser session runs and how the
shell receives it, the warning before listening beyond this machine, a port already in use, and
a live server that refuses requests for another host name (DNS rebinding) and websockets opened
from another site's page, then stops cleanly on Ctrl+C.

The browser itself is driven in test_serve_browser.py."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.commands.serve_cmd import (
    allowed_hosts,
    exposure_warning,
    is_loopback,
    local_url,
    refusal,
    session_argv,
    session_command,
)

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the argv each session runs ------------------------------------------------------------------


def test_each_session_runs_the_app_on_the_learners_workspace(tmp_path: Path) -> None:
    ws, pack = tmp_path / "my work", tmp_path / "pack"
    argv = session_argv("/py/bin/python", ws, [pack], separate=False)
    assert argv == ["/py/bin/python", "-m", "tutor", "tui", "--workspace", str(ws),
                    "--pack", str(pack)]


def test_separate_workspaces_run_a_session_that_makes_its_own_folder(tmp_path: Path) -> None:
    argv = session_argv("/py/bin/python", tmp_path, [], separate=True)
    assert argv[:5] == ["/py/bin/python", "-m", "tutor", "serve", "--run-session"]
    assert "--separate-workspaces" in argv
    assert argv[argv.index("--workspace") + 1] == str(tmp_path)


def test_the_shell_receives_exactly_the_argv(tmp_path: Path) -> None:
    """textual-serve runs its command through /bin/sh: spaces, quotes and `$(...)` in a path must
    arrive as they are, never run."""
    marker = tmp_path / "pwned"
    words = ["a folder/with spaces", f"$(touch {marker})", "it's", "`id`", "*"]
    argv = [sys.executable, "-c", "import sys; print(sys.argv[1:])", *words]
    command = session_command(argv)
    assert command.startswith("exec ")
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, check=True)
    assert done.stdout.strip() == repr(words)
    assert not marker.exists()


# -- addresses and the warning ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"])
def test_loopback_addresses_need_no_warning(host: str) -> None:
    assert is_loopback(host)
    assert exposure_warning(host, 8000, "ada") is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "lab-pc-07", ""])
def test_listening_beyond_this_machine_warns_that_others_can_run_code(host: str) -> None:
    warning = exposure_warning(host, 8123, "ada")
    assert warning is not None
    assert "run code as ada" in warning and "8123" in warning


def test_printed_url_brackets_ipv6_and_names_the_machine_for_a_wildcard() -> None:
    assert local_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert local_url("::1", 8000) == "http://[::1]:8000"
    assert local_url("0.0.0.0", 9000) == f"http://{socket.gethostname()}:9000"


# -- the request guard --------------------------------------------------------------------------


def test_a_loopback_server_answers_only_loopback_host_names() -> None:
    allowed = allowed_hosts("127.0.0.1", 8000, None)
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST:8000"):
        assert refusal(host, None, allowed, None, websocket=False) is None
    why = refusal("evil.example:8000", None, allowed, None, websocket=False)
    assert why is not None and "evil.example" in why
    assert refusal("127.0.0.1:9999", None, allowed, None, websocket=False) is not None


def test_a_websocket_from_another_sites_page_is_refused() -> None:
    allowed = allowed_hosts("127.0.0.1", 8000, None)
    own = "127.0.0.1:8000"
    assert refusal(own, "http://127.0.0.1:8000", allowed, None, websocket=True) is None
    assert refusal("localhost:8000", "http://localhost:8000", allowed, None,
                   websocket=True) is None
    assert refusal(own, None, allowed, None, websocket=True) is None  # not a browser
    why = refusal(own, "https://evil.example", allowed, None, websocket=True)
    assert why is not None and "evil.example" in why


def test_behind_a_proxy_the_public_url_is_the_own_origin() -> None:
    public = "https://hub.example.org/user/ada/proxy/8000"
    allowed = allowed_hosts("127.0.0.1", 8000, public)
    assert refusal("hub.example.org", "https://hub.example.org", allowed, public,
                   websocket=True) is None
    assert refusal("127.0.0.1:8000", "https://hub.example.org", allowed, public,
                   websocket=True) is None
    assert refusal("127.0.0.1:8000", "https://evil.example", allowed, public,
                   websocket=True) is not None


def test_a_server_on_every_address_answers_any_host_but_still_checks_origin() -> None:
    allowed = allowed_hosts("0.0.0.0", 8000, None)
    assert allowed is None
    assert refusal("lab-pc-07:8000", "http://lab-pc-07:8000", allowed, None,
                   websocket=True) is None
    assert refusal("lab-pc-07:8000", "http://evil.example", allowed, None,
                   websocket=True) is not None
    # The Host header is echoed into the page: anything but a host name and port is refused.
    assert refusal('x"><script>alert(1)</script>', None, allowed, None,
                   websocket=False) is not None
    assert refusal("[::1]:8000", None, allowed, None, websocket=False) is None


# -- usage errors: exit 2 with a message, never a traceback -------------------------------------


def test_a_port_in_use_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--port", str(port), "--workspace", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"port {port}" in err and "already in use" in err and "--port" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv, says", [
    (["--port", "0"], "from 1 to 65535"),
    (["--port", "70000"], "from 1 to 65535"),
    (["--host", "no-such-host.invalid"], "cannot listen on"),
    (["--public-url", "hub.example.org"], "http://"),
    (["--pack", "no/such/pack"], "no such folder"),
])
def test_bad_options_are_usage_errors(argv: list[str], says: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", *argv, "--workspace", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert says in err and "Traceback" not in err


# -- a live server, no browser ------------------------------------------------------------------


class Server:
    """`dltutor serve` in its own process group (so SIGINT to the group is a terminal's Ctrl+C),
    with its output collected by a thread (reading never blocks the test)."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tutor", "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True, cwd=cwd, start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_url(self, limit: float = 90.0) -> str:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.proc.poll() is None:
            for line in self.lines:
                if "serving the tutor at " in line:
                    return line.split("serving the tutor at ", 1)[1].split()[0]
            time.sleep(0.1)
        raise AssertionError(f"the server printed no URL:\n{self.output}")

    def ctrl_c(self, limit: float = 60.0) -> int:
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout=limit)

    def processes(self) -> list[int]:
        """The server and every process below it (app sessions, their grading workers)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except (OSError, ValueError):
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    @staticmethod
    def still_running(pids: list[int], limit: float = 30.0) -> list[int]:
        """Those of `pids` still running (not gone, not a zombie) once `limit` has passed."""
        deadline = time.monotonic() + limit
        while True:
            alive = []
            for pid in pids:
                try:
                    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                except OSError:
                    continue
                if state != "Z":
                    alive.append(pid)
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.2)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


def _status(url: str, host: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


async def _websocket_status(url: str, origin: str) -> int:
    import aiohttp

    async with aiohttp.ClientSession() as client:
        try:
            async with client.ws_connect(f"{url}/ws?width=80&height=24", origin=origin,
                                         timeout=aiohttp.ClientWSTimeout(ws_close=5)) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def test_live_server_guards_its_routes_refuses_a_second_one_and_stops_on_ctrl_c(
        tmp_path: Path) -> None:
    server = Server("--workspace", str(tmp_path / "ws"), cwd=REPO)
    try:
        url = server.wait_for_url()
        assert url == f"http://127.0.0.1:{server.port}"
        assert _status(url) == 200
        assert _status(url, host=f"evil.example:{server.port}") == 403  # DNS rebinding
        assert asyncio.run(_websocket_status(url, "https://evil.example")) == 403
        assert asyncio.run(_websocket_status(url, url)) == 101
        processes = server.processes()
        # A second server on the same port: a message and exit 2, not a traceback.
        second = subprocess.run(
            [sys.executable, "-m", "tutor", "serve", "--port", str(server.port),
             "--workspace", str(tmp_path / "ws")],
            capture_output=True, text=True, timeout=120, cwd=REPO, stdin=subprocess.DEVNULL,
            check=False)
        assert second.returncode == 2
        assert "already in use" in second.stderr and "Traceback" not in second.stderr
        assert server.ctrl_c() == 0
        assert server.still_running(processes) == []
        assert "dltutor serve: stopped" in server.output
        assert "Traceback" not in server.output
        assert "refused /ws: websocket from another site's page" in server.output
    finally:
        server.kill()
