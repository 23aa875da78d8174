"""`dltutor serve`: the tutor app in a browser tab, for a lab machine, a JupyterHub or a learner
who prefers a browser. textual-serve runs a small web server; every browser session (a tab, a
reload) starts its own app process from an explicit argv, so two tabs never share an app's state.

Workspaces: by default every session opens the one workspace (`--workspace`, as for `dltutor`):
one learner, their files and their progress. Two tabs then edit the same files, as two terminals
would, and their progress writes wait for each other (SQLite in WAL mode with a busy timeout)
rather than corrupt the database. `--separate-workspaces` (a shared lab machine, a demo) gives
each session a fresh folder of its own under the workspace instead; the folders are kept.

A session can edit files and run code as the user who started the server. So it listens on
127.0.0.1 by default and warns when told to listen elsewhere; and since a page on any other site
could otherwise reach a loopback server from the learner's own browser, requests naming another
host (DNS rebinding) and websockets opened from another site's page are refused."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import re
import shlex
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tutor.commands.common import (
    UsageError,
    add_pack_option,
    add_workspace_option,
    usage_errors,
)
from tutor.exitcodes import ExitCode

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")
#: a host name or address with an optional port: nothing that could break out of the page
HOST_HEADER = re.compile(r"[A-Za-z0-9._\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="serve the tutor app to a browser (each tab its own app process)",
        description="Serve the tutor app to a web browser with textual-serve. Every browser "
        "session runs its own app process; by default all of them open your workspace. "
        "Ctrl+C stops the server.")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"the address to listen on (default {DEFAULT_HOST}: this machine only; "
                        "anything else lets others on the network run code as you)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"the port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--public-url", metavar="URL", default=None,
                   help="the address browsers use when it is not http://HOST:PORT "
                        "(behind a reverse proxy or JupyterHub's server proxy)")
    p.add_argument("--separate-workspaces", action="store_true",
                   help="give every browser session a fresh workspace of its own under the "
                        "workspace folder (a shared lab machine, a demo)")
    add_pack_option(p)
    add_workspace_option(p)
    # What each browser session runs with --separate-workspaces: make its folder, open the app.
    p.add_argument("--run-session", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


# -- pure parts: the argv each session runs, addresses, the request guard ----------------------

def session_argv(python: str, workspace: Path, packs: Sequence[Path], *,
                 separate: bool) -> list[str]:
    """The argv textual-serve runs for every browser session."""
    options = ["--workspace", str(workspace)]
    for pack in packs:
        options += ["--pack", str(pack)]
    if separate:
        return [python, "-m", "tutor", "serve", "--run-session", "--separate-workspaces",
                *options]
    return [python, "-m", "tutor", "tui", *options]


def session_command(argv: Sequence[str]) -> str:
    """textual-serve hands its command to the shell: quote every word, and `exec` so the app
    process replaces the shell (it gets the signals and there is one process per session)."""
    return "exec " + shlex.join(argv)


def is_loopback(host: str) -> bool:
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


def url_host(host: str) -> str:
    """How `host` appears in a URL: IPv6 literals in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def local_url(host: str, port: int) -> str:
    """The address to print: a wildcard address is reached by this machine's name."""
    return f"http://{url_host(socket.gethostname() if host in WILDCARDS else host)}:{port}"


def exposure_warning(host: str, port: int, user: str) -> str | None:
    """What to say before listening beyond this machine (None on loopback)."""
    if is_loopback(host):
        return None
    return (f"listening on {host or 'every address'}: anyone who can reach this machine on "
            f"port {port} can open the tutor and run code as {user}. "
            "Use it only on a network you trust.")


def allowed_hosts(host: str, port: int, public_url: str | None) -> frozenset[str] | None:
    """The Host headers this server answers, or None for any (it listens beyond loopback, and
    the learner was warned). A loopback server answers only loopback names, so a site that
    re-points its own name at 127.0.0.1 (DNS rebinding) is refused."""
    if not is_loopback(host):
        return None
    names = {f"{name}:{port}" for name in LOOPBACK_NAMES} | {f"{url_host(host)}:{port}"}
    if port == 80:
        names |= {*LOOPBACK_NAMES, url_host(host)}
    if public_url:
        names.add(urlsplit(public_url).netloc)
    return frozenset(names)


def refusal(host_header: str, origin: str | None, allowed: frozenset[str] | None,
            public_url: str | None, *, websocket: bool) -> str | None:
    """Why a request is refused, or None. A browser always sends Origin with a websocket: it
    must be this server's own page (the address it was reached at, or the public URL)."""
    if not HOST_HEADER.fullmatch(host_header):
        return f"malformed Host {host_header[:80]!r}"  # it is echoed into the page
    if allowed is not None and host_header.lower() not in allowed:
        return f"unexpected Host {host_header!r}"
    if websocket and origin is not None:
        netloc = urlsplit(origin).netloc.lower()
        own = {host_header.lower()} | ({urlsplit(public_url).netloc.lower()} if public_url
                                       else set())
        if netloc not in own:
            return f"websocket from another site's page ({origin})"
    return None


def ensure_port_free(host: str, port: int) -> None:
    """Fail with a clear message, before serving, when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host!r}: {exc.strerror}") from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise UsageError(f"port {port} on {host} is already in use (another "
                                     "`dltutor serve`?); choose another with --port N") from None
                raise UsageError(f"cannot listen on {host}:{port}: "
                                 f"{exc.strerror or exc}") from None


# -- the server ---------------------------------------------------------------------------------

def make_server(command: str, host: str, port: int, public_url: str | None,
                banner: Sequence[str]) -> Any:
    """A textual-serve `Server` that prints our banner and guards its two routes."""
    from aiohttp import web
    from textual_serve.server import Server

    allowed = allowed_hosts(host, port, public_url)

    class TutorServer(Server):
        def initialize_logging(self) -> None:
            super().initialize_logging()
            import logging

            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            print("\n".join(banner), flush=True)

        def _guard(self, request: web.Request, *, websocket: bool) -> None:
            why = refusal(request.host, request.headers.get("Origin"), allowed, public_url,
                          websocket=websocket)
            if why is not None:
                print(f"dltutor serve: refused {request.path}: {why}", file=sys.stderr)
                raise web.HTTPForbidden(text=f"dltutor serve: {why}\n")

        async def handle_index(self, request: web.Request) -> Any:
            self._guard(request, websocket=False)
            if public_url is None:
                # The page's websocket goes back to the address the browser used (localhost or
                # 127.0.0.1, a machine name for --host 0.0.0.0). The template reads this before
                # its first await, so concurrent requests cannot see each other's value.
                self.public_url = f"http://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> Any:
            self._guard(request, websocket=True)
            return await super().handle_websocket(request)

    return TutorServer(command, host=host, port=port, title="dltutor",
                       public_url=public_url or local_url(host, port))


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.workspace import Workspace

    workspace = Workspace.open(args.workspace)
    if args.run_session:
        return _run_session(args, workspace.root)
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: choose a port from 1 to 65535")
    if args.public_url and urlsplit(args.public_url).scheme not in ("http", "https"):
        raise UsageError(f"--public-url {args.public_url!r}: give a full http:// or https:// URL")
    packs = [Path(p).expanduser().resolve() for p in args.pack]
    for pack in packs:
        if not pack.is_dir():
            raise UsageError(f"--pack {pack}: no such folder")
    ensure_port_free(args.host, args.port)
    warning = exposure_warning(args.host, args.port, _user())
    if warning:
        print(f"dltutor serve: warning: {warning}", file=sys.stderr)

    argv = session_argv(sys.executable, workspace.root, packs, separate=args.separate_workspaces)
    public_url = args.public_url.rstrip("/") if args.public_url else None
    url = public_url or local_url(args.host, args.port)
    where = (f"each browser session gets a fresh workspace under {workspace.root}"
             if args.separate_workspaces else
             f"each browser session runs its own tutor on the workspace {workspace.root}")
    server = make_server(session_command(argv), args.host, args.port, public_url,
                         [f"dltutor is serving the tutor at {url}", where,
                          "Open that address in a browser; Ctrl+C stops the server."])
    try:
        server.serve()
    except OSError as exc:  # lost a race for the port after the check above
        raise UsageError(f"cannot listen on {args.host}:{args.port}: "
                         f"{exc.strerror or exc}") from None
    print("dltutor serve: stopped", file=sys.stderr)
    _quiet_closed_loop()
    return int(ExitCode.OK)


def _quiet_closed_loop() -> None:
    """After Ctrl+C, asyncio's transports of the session processes may be collected after their
    loop closed; their `__del__` then raises "Event loop is closed", which Python prints as a
    traceback on the way out. The processes are gone by then (textual-serve killed them): say
    nothing of it, and let any other late error through as before."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, RuntimeError) and "Event loop is closed" in str(exc):
            return
        previous(unraisable)

    sys.unraisablehook = hook


def _run_session(args: argparse.Namespace, root: Path) -> int:
    """One browser session with --separate-workspaces: a new folder, then the app on it."""
    from tutor.commands import tui_cmd

    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"session-{stamp}-", dir=root))
    except OSError as exc:
        raise UsageError(f"cannot create a session folder in {root}: "
                         f"{exc.strerror or exc}") from None
    return int(tui_cmd.run(argparse.Namespace(**{**vars(args), "workspace": folder})))


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "this user"
