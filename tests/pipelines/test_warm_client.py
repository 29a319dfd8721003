"""The thin client of the warm runner without Prefect: its wire format, its code version,
its socket addresses and when it declines (pipelines/warm_client.py).

The runner itself, forking real imports, is tested end to end in
tests/flows/test_warm_runner.py.
"""

from __future__ import annotations

import os
import socket
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines import warm_client
from pipelines.warm_client import (
    code_version,
    connect,
    ping,
    receive_message,
    run_in_runner,
    send_message,
    socket_path,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(st.dictionaries(st.text(), json_values, max_size=6), st.integers(0, 200_000))
def test_a_message_arrives_whole_with_its_descriptors(message, padding):
    message = {**message, "pad": "x" * padding}  # larger than one socket buffer
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    r, w = os.pipe()
    try:
        sender = threading.Thread(target=send_message, args=(a, message, [w]))
        sender.start()
        got, fds = receive_message(b, max_fds=3)
        sender.join()
        assert got == message
        assert len(fds) == 1
        os.write(fds[0], b"!")  # the descriptor is the pipe's write end
        assert os.read(r, 1) == b"!"
        os.close(fds[0])
    finally:
        for fd in (r, w):
            os.close(fd)
        a.close()
        b.close()


def test_a_message_cut_short_is_an_error_not_a_hang():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    a.sendall(b"\x00\x00\x00\x10{}")
    a.close()
    with pytest.raises(ConnectionError):
        receive_message(b)
    b.close()


def _tree(root):
    for package in warm_client.PACKAGES:
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    return root / "pipelines" / "__init__.py"


def test_the_code_version_follows_every_module_file(tmp_path):
    module = _tree(tmp_path)
    before = code_version(tmp_path)
    assert code_version(tmp_path) == before
    (tmp_path / "pipelines" / "__pycache__").mkdir()
    (tmp_path / "pipelines" / "__pycache__" / "x.py").write_text("compiled, not code")
    (tmp_path / "report" / "notes.txt").write_text("not a module")
    assert code_version(tmp_path) == before

    module.write_text("# edited\n")
    edited = code_version(tmp_path)
    assert edited != before
    (tmp_path / "transforms" / "sub").mkdir()
    (tmp_path / "transforms" / "sub" / "new.py").write_text("")
    assert code_version(tmp_path) not in (before, edited)


def test_same_size_edits_change_it_through_the_mtime(tmp_path):
    module = _tree(tmp_path)
    before = code_version(tmp_path)
    st_ = module.stat()
    os.utime(module, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000))
    assert code_version(tmp_path) != before


def test_no_runner_means_in_process_silently(tmp_path, capsys):
    assert run_in_runner(tmp_path / "wh", ["import", "x"]) is None
    assert ping(tmp_path / "wh") is None
    assert capsys.readouterr().err == ""


def _stale_socket(warehouse):
    """A socket file nobody listens on: what a killed runner leaves behind."""
    path = socket_path(warehouse)
    path.parent.mkdir(parents=True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.close()
    return path


def test_a_dead_runner_is_one_line_and_an_in_process_run(tmp_path, capsys):
    path = _stale_socket(tmp_path / "wh")
    assert run_in_runner(tmp_path / "wh", ["import", "x"]) is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ties: the warm runner is not used: its socket ")
    assert str(path) in err and err.rstrip().endswith("running here")


def test_turned_off_or_inside_the_runner_it_is_not_asked(tmp_path, capsys, monkeypatch):
    _stale_socket(tmp_path / "wh")
    monkeypatch.setenv("TIES_RUNNER", "off")
    assert run_in_runner(tmp_path / "wh", ["import"]) is None
    monkeypatch.delenv("TIES_RUNNER")
    monkeypatch.setattr(warm_client, "DELEGATE", False)  # the runner's child
    assert run_in_runner(tmp_path / "wh", ["import"]) is None
    assert capsys.readouterr().err == ""


def test_a_deep_warehouse_gets_a_socket_address_that_fits(tmp_path):
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6) / "wh"
    path = socket_path(deep)
    assert len(str(path)) > 108  # too long for sockaddr_un as it is
    path.parent.mkdir(parents=True)
    fds_before = len(os.listdir("/proc/self/fd"))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with warm_client.short_address(path) as address:
        listener.bind(address)
    listener.listen(1)
    try:
        assert path.exists()
        client = connect(deep)  # also checks the peer is this user
        assert client is not None
        conn, _ = listener.accept()
        send_message(client, {"hello": "runner"})
        assert receive_message(conn)[0] == {"hello": "runner"}
        conn.close()
        client.close()
        assert len(os.listdir("/proc/self/fd")) == fds_before + 1  # the listener only
    finally:
        listener.close()
