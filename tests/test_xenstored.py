"""Tests of tests/xenstored.py, the small xenstored the xenstore tests use,
with real libxenstore clients: the xenstore-utils tools (xenstore-read,
-write, -ls, -chmod, -watch ...) and tests/xs-client (a line-driven client
calling xs_read, xs_directory, xs_get_permissions, xs_watch, xs_read_watch,
xs_transaction_start/end ...), both connecting through XENSTORED_PATH.

No root and no Open vSwitch needed.
"""

import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import BUILD_DIRS, TESTS_DIR
from xenstored import XenstoreServer, XsError

DEADLINE = 10.0


def xs_client_binary():
    path = os.path.join(BUILD_DIRS["plain"], "tests", "xs-client")
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (make tests/xs-client in %s)"
                    % (path, BUILD_DIRS["plain"]), pytrace=False)
    return path


def require_tools():
    if shutil.which("xenstore-read") is None:
        pytest.fail("xenstore-utils not installed: run "
                    "scripts/install-deps.sh", pytrace=False)


@pytest.fixture
def sockdir():
    d = tempfile.mkdtemp(prefix="vg-xs-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def srv(sockdir):
    server = XenstoreServer(os.path.join(sockdir, "socket")).start()
    yield server
    server.stop()


class XsClient:
    """One tests/xs-client process: one libxenstore connection."""

    def __init__(self, path):
        env = dict(os.environ, XENSTORED_PATH=path)
        self.proc = subprocess.Popen([xs_client_binary()], env=env,
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def __call__(self, line):
        """Sends one command; returns its answer line (without "\\n")."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], DEADLINE)
        assert ready, "xs-client gave no answer to %r" % line
        return self.proc.stdout.readline().rstrip("\n")

    def close(self):
        self.proc.stdin.close()
        assert self.proc.wait(DEADLINE) == 0


@pytest.fixture
def client(srv):
    clients = []

    def make():
        c = XsClient(srv.path)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def tool(srv, *args, check=True):
    """Runs one xenstore-utils tool against 'srv'."""
    require_tools()
    p = subprocess.run(list(args), env=dict(os.environ,
                                            XENSTORED_PATH=srv.path),
                       capture_output=True, text=True, timeout=DEADLINE)
    if check:
        assert p.returncode == 0, "%s: %s" % (args, p.stderr)
    return p


def test_read_write_directory_with_the_tools(srv):
    tool(srv, "xenstore-write", "/vm/a/name", "guest1", "/vm/a/mac",
         "00:16:3e:00:00:01", "/vm/b", "")
    assert tool(srv, "xenstore-read", "/vm/a/name").stdout == "guest1\n"
    assert tool(srv, "xenstore-list", "/vm").stdout.split() == ["a", "b"]
    assert tool(srv, "xenstore-ls", "-f", "/vm").stdout.splitlines() == [
        '/vm/a = ""', '/vm/a/name = "guest1"',
        '/vm/a/mac = "00:16:3e:00:00:01"', '/vm/b = ""']
    assert tool(srv, "xenstore-exists", "/vm/a/mac").returncode == 0
    # What the tools wrote is in the server's tree.
    assert srv.read("/vm/a/mac") == "00:16:3e:00:00:01"
    assert srv.directory("/vm") == ["a", "b"]
    # And what the test writes directly, the tools read.
    srv.write("/vm/b/state", "running")
    assert tool(srv, "xenstore-read", "/vm/b/state").stdout == "running\n"
    tool(srv, "xenstore-rm", "/vm/a")
    assert srv.read("/vm/a/name") is None
    assert srv.directory("/vm") == ["b"]


def test_enoent_and_bad_paths(srv, client):
    p = tool(srv, "xenstore-read", "/no/such/node", check=False)
    assert p.returncode != 0 and "couldn't read path /no/such/node" in \
        p.stderr
    assert tool(srv, "xenstore-exists", "/no", check=False).returncode != 0
    c = client()
    assert c("read /no/such/node") == "error ENOENT"
    assert c("dir /no/such") == "error ENOENT"
    assert c("perms /no") == "error ENOENT"
    # Removing an absent node is fine when its parent exists, not otherwise.
    c("write /x/y 1")
    assert c("rm /x/absent") == "ok"
    assert c("rm /absent/child") == "error ENOENT"
    assert c("read /a//b") == "error EINVAL"
    assert c("write /trailing/ 1") == "error EINVAL"
    assert c("rm /") == "error EINVAL"
    # The connection still works after the errors.
    assert c("read /x/y") == "ok 1"
    # Relative paths are relative to dom0's home, like xenstored's.
    assert c("write rel/node v") == "ok"
    assert srv.read("/local/domain/0/rel/node") == "v"
    assert c("domain-path 7") == "ok /local/domain/7"


def test_permissions_stored_inherited_and_decoded(srv, client):
    c = client()
    assert c("write /local/domain/5/data/a 1") == "ok"
    assert c("perms /local/domain/5/data/a") == "ok n0"
    # What xenstore-chmod sets, xs_get_permissions() decodes.
    tool(srv, "xenstore-chmod", "/local/domain/5", "n0", "r5")
    assert c("perms /local/domain/5") == "ok n0 r5"
    assert srv.get_perms("/local/domain/5") == ["n0", "r5"]
    # A new node inherits its parent's permissions (not existing ones).
    assert c("write /local/domain/5/new/leaf x") == "ok"
    assert c("perms /local/domain/5/new") == "ok n0 r5"
    assert c("perms /local/domain/5/new/leaf") == "ok n0 r5"
    assert c("perms /local/domain/5/data/a") == "ok n0"
    # Guest-writable node, set by the client library.
    assert c("chmod /local/domain/5/data/a b5") == "ok"
    assert srv.get_perms("/local/domain/5/data/a") == ["b5"]
    assert c("chmod /local/domain/5/data/a n0 w5 r6") == "ok"
    assert c("perms /local/domain/5/data/a") == "ok n0 w5 r6"
    assert "(n0,w5,r6)" in tool(srv, "xenstore-ls", "-p",
                                "/local/domain/5/data").stdout
    # The test side sets permissions directly; bad strings are refused.
    srv.set_perms("/local/domain/5/data/a", ["n0", "b5"])
    assert c("perms /local/domain/5/data/a") == "ok n0 b5"
    with pytest.raises(XsError) as e:
        srv.set_perms("/local/domain/5/data/a", ["x5"])
    assert e.value.name == "EINVAL"
    assert c("chmod /no/such n0") == "error ENOENT"


def test_watches(srv, client):
    c = client()
    assert c("watch /vm t1") == "ok"
    # The initial event, fired on registration.
    assert c("event") == "ok /vm t1"
    # A change of a child, from another client.
    other = client()
    assert other("write /vm/a/name x") == "ok"
    assert c("event") == "ok /vm/a/name t1"
    # A change elsewhere fires nothing: the next event is the next change
    # below /vm (from the test side this time).
    assert other("write /elsewhere 1") == "ok"
    srv.write("/vm/a/mac", "m")
    assert c("event") == "ok /vm/a/mac t1"
    # A watch on a deeper node fires when an ancestor is removed.
    assert c("watch /vm/a/name t2") == "ok"
    assert c("event") == "ok /vm/a/name t2"
    assert other("rm /vm/a") == "ok"
    events = {c("event"), c("event")}
    assert events == {"ok /vm/a t1", "ok /vm/a/name t2"}
    # Permission changes fire too.
    srv.write("/vm/b", "")
    assert c("event") == "ok /vm/b t1"
    srv.set_perms("/vm/b", ["n0", "r3"])
    assert c("event") == "ok /vm/b t1"
    # Special paths fire only when the server says so, and exactly.
    assert c("watch @releaseDomain rel") == "ok"
    assert c("event") == "ok @releaseDomain rel"
    srv.fire_special("@introduceDomain")
    srv.fire_special("@releaseDomain")
    assert c("event") == "ok @releaseDomain rel"
    # Same path and token twice is refused; after unwatch, silence.
    assert c("watch /vm t1") == "error EEXIST"
    assert c("unwatch /vm t1") == "ok"
    assert c("unwatch /vm t1") == "error ENOENT"
    assert c("watch /other t3") == "ok"
    assert c("event") == "ok /other t3"
    srv.write("/vm/c", "1")      # not watched any more
    srv.write("/other/x", "1")
    assert c("event") == "ok /other/x t3"


def test_xenstore_watch_tool(srv):
    require_tools()
    srv.write("/xapi/vm1/private/vif/0/locking-mode", "locked")
    env = dict(os.environ, XENSTORED_PATH=srv.path)
    p = subprocess.Popen(["xenstore-watch", "-n", "3", "/xapi/vm1"],
                         env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "/xapi/vm1\n"    # initial event
        srv.write("/xapi/vm1/private/vif/0/locking-mode", "unlocked")
        assert p.stdout.readline() == \
            "/xapi/vm1/private/vif/0/locking-mode\n"
        srv.rm("/xapi/vm1")
        assert p.stdout.readline() == "/xapi/vm1\n"
        assert p.wait(DEADLINE) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_transactions(srv, client):
    a, b = client(), client()
    # Writes in a transaction are invisible to others until it commits.
    assert a("tx-start") == "ok"
    assert a("write /t/x 1") == "ok"
    assert a("read /t/x") == "ok 1"
    assert b("read /t/x") == "error ENOENT"
    assert a("tx-end commit") == "ok"
    assert b("read /t/x") == "ok 1"
    # An aborted transaction leaves no trace.
    assert a("tx-start") == "ok"
    assert a("write /t/x 2") == "ok"
    assert a("rm /t") == "ok"
    assert a("tx-end abort") == "ok"
    assert b("read /t/x") == "ok 1"
    # A change by another client meanwhile makes the commit fail (EAGAIN,
    # as xenstored answers; clients retry) and discards the transaction.
    assert a("tx-start") == "ok"
    assert a("write /t/x 3") == "ok"
    assert b("write /t/y 1") == "ok"
    assert a("tx-end commit") == "error EAGAIN"
    assert b("read /t/x") == "ok 1"
    # Watches fire at commit, not before.
    assert b("watch /t w") == "ok"
    assert b("event") == "ok /t w"
    assert a("tx-start") == "ok"
    assert a("write /t/z 1") == "ok"
    srv.write("/t/marker", "1")         # breaks this transaction, too
    assert b("event") == "ok /t/marker w"
    assert a("tx-end commit") == "error EAGAIN"
    assert a("tx-start") == "ok"
    assert a("write /t/z 2") == "ok"
    assert a("tx-end commit") == "ok"
    assert b("event") == "ok /t/z w"
    # The tools wrap each operation in a transaction: that path works too.
    tool(srv, "xenstore-write", "/t/tool", "v")
    assert b("event") == "ok /t/tool w"


def test_many_clients_at_once(srv, client):
    clients = [client() for _ in range(4)]
    for i, c in enumerate(clients):
        assert c("watch /shared w%d" % i) == "ok"
        assert c("event") == "ok /shared w%d" % i
    assert srv.connection_count() == 4
    assert sorted(srv.watches()) == [("/shared", "w%d" % i)
                                     for i in range(4)]
    clients[0]("write /shared/k v")
    for i, c in enumerate(clients):
        assert c("event") == "ok /shared/k w%d" % i
        assert c("read /shared/k") == "ok v"
    clients[3].close()
    clients.pop()
    deadline = time.monotonic() + DEADLINE
    while srv.connection_count() != 3:
        assert time.monotonic() < deadline, "closed connection not noticed"
        time.sleep(0.05)


def test_stop_and_restart_keep_the_tree(srv, client):
    srv.write("/keep/me", "1")
    c = client()
    assert c("read /keep/me") == "ok 1"
    srv.stop()
    assert not os.path.exists(srv.path)
    # The old connection is gone; new ones cannot connect.
    assert c("read /keep/me").startswith("error ")
    assert tool(srv, "xenstore-read", "/keep/me", check=False).returncode \
        != 0
    srv.start()
    assert tool(srv, "xenstore-read", "/keep/me").stdout == "1\n"
    srv.disconnect_all()
    d = client()
    assert d("read /keep/me") == "ok 1"


def _raw_request(sock, mtype, payload, tx_id=0):
    sock.sendall(struct.pack("=IIII", mtype, 42, tx_id, len(payload))
                 + payload)
    header = b""
    while len(header) < 16:
        chunk = sock.recv(16 - len(header))
        assert chunk, "server closed the connection"
        header += chunk
    rtype, req_id, rtx, length = struct.unpack("=IIII", header)
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    assert req_id == 42 and rtx == tx_id
    return rtype, body


def test_protocol_violations_affect_only_their_connection(srv, client):
    good = client()
    assert good("write /ok 1") == "ok"
    raw = socket.socket(socket.AF_UNIX)
    raw.connect(srv.path)
    raw.settimeout(DEADLINE)
    # Undecodable path, missing terminator, unknown type: errors.
    assert _raw_request(raw, 2, b"/\xff\xfe\0") == (16, b"EINVAL\0")
    assert _raw_request(raw, 2, b"/ok") == (16, b"EINVAL\0")
    assert _raw_request(raw, 99, b"") == (16, b"EINVAL\0")
    assert _raw_request(raw, 3, b"/ok\0") == (3, b"n0\0")
    assert _raw_request(raw, 6, b"\0", tx_id=0)[0] == 6
    assert _raw_request(raw, 2, b"/ok\0", tx_id=999) == (16, b"ENOENT\0")
    # A payload over XENSTORE_PAYLOAD_MAX: the connection is dropped.
    raw.sendall(struct.pack("=IIII", 2, 1, 0, 5000))
    assert raw.recv(16) == b""
    raw.close()
    assert good("read /ok") == "ok 1"


def test_cli(sockdir):
    require_tools()
    path = os.path.join(sockdir, "cli.sock")
    p = subprocess.Popen([sys.executable,
                          os.path.join(TESTS_DIR, "xenstored.py"),
                          "--socket", path])
    try:
        deadline = time.monotonic() + DEADLINE
        while not os.path.exists(path):
            assert time.monotonic() < deadline, "socket never appeared"
            time.sleep(0.05)
        env = dict(os.environ, XENSTORED_PATH=path)
        subprocess.run(["xenstore-write", "/a", "b"], env=env, check=True,
                       timeout=DEADLINE)
        assert subprocess.run(["xenstore-read", "/a"], env=env,
                              check=True, capture_output=True, text=True,
                              timeout=DEADLINE).stdout == "b\n"
        p.send_signal(signal.SIGTERM)
        assert p.wait(DEADLINE) == 0
        assert not os.path.exists(path)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
