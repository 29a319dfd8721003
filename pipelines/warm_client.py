"""The thin side of the warm runner: hand a `ties import`/`backfill` to the runner of the
warehouse and relay its exit status (the runner is pipelines/warm_runner.py).

This module imports nothing heavy: it is what an import pays before the work starts in
a process that has Prefect, pandas and pyarrow loaded already. The client sends its
argv, working folder, environment and umask, and its stdin/stdout/stderr as file
descriptors (SCM_RIGHTS), so the runner's child writes to the same terminal or pipe as
an in-process run would; SIGINT and SIGTERM are forwarded to the child; the exit status
is the child's. When the runner is absent the caller runs in-process; when it is
unusable (not answering, another user's, other code) it says why in one line first.

Linux only (SO_PEERCRED); elsewhere imports always run in-process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

from warehouse.layout import Layout

# The packages whose code a runner has imported (pyproject's [tool.setuptools] packages).
PACKAGES = ("connectors", "transforms", "warehouse", "pipelines", "report")
ROOT = Path(__file__).resolve().parent.parent
HEADER = struct.Struct("!I")  # the length of the JSON that follows
# Set in the runner's child, which runs the command itself and must not hand it on.
DELEGATE = True
# TIES_RUNNER=off runs every import in-process (benchmarks compare the two paths).
OFF_VALUES = ("0", "off", "no", "false")


class RunnerUnavailable(RuntimeError):
    """The runner exists but cannot take the command; the message says why."""


def code_version(root: Path = ROOT) -> str:
    """A fingerprint of the code a process would run: ties' modules and the environment.

    Each module file of ties counts by path, size and modification time (an edit, a
    `git pull`, a checkout), and so does the site-packages folder that holds Prefect
    (installing or removing a distribution changes it), the interpreter and its version.
    Statting ~150 files takes a few milliseconds; hashing their contents would take more.
    """
    digest = hashlib.sha256()
    digest.update(f"{sys.executable}\0{sys.version}\0".encode())
    for entry in sys.path:  # where the dependencies come from, not ties' own folders
        if entry.endswith("site-packages") and os.path.isdir(entry):
            digest.update(f"{entry}\0{os.stat(entry).st_mtime_ns}\0".encode())
    for package in PACKAGES:
        stack = [root / package]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except FileNotFoundError:
                continue
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "__pycache__":
                        stack.append(Path(e.path))
                elif e.name.endswith(".py"):
                    st = e.stat()
                    digest.update(f"{e.path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def socket_path(warehouse: Path) -> Path:
    return Layout(warehouse.expanduser().resolve()).runner_socket


def send_message(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    header = HEADER.pack(len(data))
    if fds:
        socket.send_fds(sock, [header], fds)
        sock.sendall(data)
    else:
        sock.sendall(header + data)


def _recv_exactly(sock: socket.socket, n: int, start: bytes = b"") -> bytes:
    buf = bytearray(start)
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("the other side closed the connection")
        buf += chunk
    return bytes(buf)


def receive_message(sock: socket.socket, max_fds: int = 0) -> tuple[dict, list[int]]:
    """One length-prefixed JSON message, and the descriptors sent with its first byte."""
    if max_fds:
        head, fds, _flags, _addr = socket.recv_fds(sock, HEADER.size, max_fds)
        if not head:
            raise ConnectionError("the other side closed the connection")
    else:
        head, fds = b"", []
    try:
        (length,) = HEADER.unpack(_recv_exactly(sock, HEADER.size, head))
        return json.loads(_recv_exactly(sock, length)), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end (the kernel's word, not the peer's)."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid


def connect(warehouse: Path, timeout: float | None = 5.0) -> socket.socket | None:
    """A connection to the warehouse's runner; None when there is none.

    Raises:
        RunnerUnavailable: its socket exists but nobody answers, or another user does.
    """
    path = socket_path(warehouse)
    if not hasattr(socket, "SO_PEERCRED") or not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        with short_address(path) as address:
            sock.connect(address)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or exc
        raise RunnerUnavailable(f"its socket {path} does not answer ({reason})") from None
    if peer_uid(sock) != os.getuid():
        sock.close()
        raise RunnerUnavailable(f"its socket {path} belongs to another user")
    sock.settimeout(None)
    return sock


@contextlib.contextmanager
def short_address(path: Path):
    """A name for ``path`` that fits a Unix socket address (108 bytes on Linux).

    A deep warehouse folder would not: then the folder is reached through a descriptor
    of it (/proc/self/fd/N/...), open while the caller binds or connects.
    """
    if len(os.fsencode(str(path))) < 100:
        yield str(path)
        return
    fd = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


def ping(warehouse: Path, timeout: float = 2.0) -> dict | None:
    """The runner's answer to a ping ({"pid", "version"}), or None when none answers."""
    try:
        sock = connect(warehouse, timeout)
    except RunnerUnavailable:
        return None
    if sock is None:
        return None
    with sock:
        try:
            send_message(sock, {"ping": True})
            return receive_message(sock)[0]
        except (OSError, ValueError):
            return None


def run_in_runner(warehouse: Path, argv: list[str]) -> int | None:
    """Run ``ties ARGV`` in the warehouse's warm runner; None when it should run here.

    Returns:
        The command's exit status, or None when there is no usable runner (after one
        line on stderr saying why, unless there simply is none).
    """
    if not DELEGATE or os.environ.get("TIES_RUNNER", "").lower() in OFF_VALUES:
        return None
    try:
        sock = connect(warehouse)
        if sock is None:
            return None
        return _delegate(sock, argv)
    except RunnerUnavailable as exc:
        print(f"ties: the warm runner is not used: {exc}; running here", file=sys.stderr)
        return None


def _delegate(sock: socket.socket, argv: list[str]) -> int | None:
    umask = os.umask(0o077)
    os.umask(umask)
    request = {
        "version": code_version(),
        "argv": argv,
        "argv0": sys.argv[0],
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": umask,
    }
    try:
        stdio = [fd for fd in (0, 1, 2) if _is_open(fd)]
        if len(stdio) < 3:  # a closed standard stream cannot be passed on as closed
            sock.close()
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        send_message(sock, request, stdio)
        answer, _ = receive_message(sock)
    except (OSError, ValueError) as exc:
        sock.close()
        raise RunnerUnavailable(f"it broke off ({exc})") from None
    if not answer.get("ok"):
        sock.close()
        raise RunnerUnavailable(answer.get("reason", "it refused"))
    return _relay(sock)


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _relay(sock: socket.socket) -> int:
    """Forward SIGINT/SIGTERM/SIGHUP to the child until the runner reports how it ended."""

    def forward(signum, _frame):
        with contextlib.suppress(OSError):  # the run ended meanwhile
            send_message(sock, {"signal": signum})

    forwarded = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, forward) for s in forwarded}
    try:
        end, _ = receive_message(sock)
    except (OSError, ValueError):
        print("ties: error: the warm runner went away during the run", file=sys.stderr)
        return 1
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sock.close()
    if "signal" in end:  # the child was killed by a signal: end the same way
        signum = int(end["signal"])
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum  # pragma: no cover - the signal ended this process
    return int(end["exit"])
