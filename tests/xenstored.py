#!/usr/bin/env python3
"""A small xenstored for tests: the xenstored wire protocol on a unix socket.

The real xenstored needs a hypervisor; this one keeps the tree in memory and
speaks the socket protocol that libxenstore (xs_open() with XENSTORED_PATH
naming the socket) uses, so the tests run the real client library against
it.  Wire format (xen/include/public/io/xs_wire.h): a 16-byte header
{uint32 type, req_id, tx_id, len} in host byte order, then `len` bytes of
NUL-separated strings.  Replies echo type, req_id and tx_id; an error is an
XS_ERROR reply carrying "ENOENT\\0" and the like; XS_WATCH_EVENT messages
("path\\0token\\0", req_id 0) arrive at any time.

Implemented: DIRECTORY, READ, WRITE, MKDIR, RM, GET_PERMS, SET_PERMS,
WATCH (with the initial event), UNWATCH, RESET_WATCHES, TRANSACTION_START and
TRANSACTION_END (a transaction works on a copy of the tree and fails with
EAGAIN at commit when the tree changed meanwhile), GET_DOMAIN_PATH,
IS_DOMAIN_INTRODUCED, and acks for INTRODUCE/RELEASE/RESUME/SET_TARGET.
What libxenstore 4.17 sends: xs_open() only connects (no message); each
xs_* call is one request and waits for its reply (xs_directory() falls back
to DIRECTORY_PART only on E2BIG, which this server never answers); the
xenstore-* tools wrap each operation in TRANSACTION_START/END and retry on
EAGAIN.
Every socket client is dom0 (privileged), as on a real host, so permissions
are stored and reported but not enforced; a new node inherits its parent's
permissions.  Watches fire on a change of the watched node or anything below
it, and for a removal on every watched node inside the removed subtree.

In-process use (pytest):  srv = XenstoreServer(path); srv.start();
srv.write(...), srv.rm(...), srv.set_perms(...) change the tree and fire
watches like a client would; srv.fire_special("@introduceDomain") fires the
watches on a special path; srv.stop() drops every connection and removes
the socket (xenstored gone); srv.start() again serves the same tree;
srv.stall() stops answering (connections stay open, requests wait unread)
until srv.resume().
CLI:  python3 tests/xenstored.py --socket PATH
"""

import argparse
import copy
import os
import re
import selectors
import signal
import socket
import struct
import sys
import threading
import traceback

XS_CONTROL = 0
XS_DIRECTORY = 1
XS_READ = 2
XS_GET_PERMS = 3
XS_WATCH = 4
XS_UNWATCH = 5
XS_TRANSACTION_START = 6
XS_TRANSACTION_END = 7
XS_INTRODUCE = 8
XS_RELEASE = 9
XS_GET_DOMAIN_PATH = 10
XS_WRITE = 11
XS_MKDIR = 12
XS_RM = 13
XS_SET_PERMS = 14
XS_WATCH_EVENT = 15
XS_ERROR = 16
XS_IS_DOMAIN_INTRODUCED = 17
XS_RESUME = 18
XS_SET_TARGET = 19
XS_RESET_WATCHES = 21

HEADER = struct.Struct("=IIII")
PAYLOAD_MAX = 4096
PATH_RE = re.compile(r"^(/|(/[A-Za-z0-9_@.-]+)+|@[A-Za-z0-9_]+)$")
PERM_RE = re.compile(r"^[nrwb][0-9]+$")


class XsError(Exception):
    """A request failed: `name` is the errno name sent back ("ENOENT")."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


class Node:
    """One tree node: a value (bytes), permissions, ordered children."""

    def __init__(self, value=b"", perms=("n0",)):
        self.value = value
        self.perms = list(perms)
        self.children = {}


def _split(path):
    return [] if path == "/" else path.strip("/").split("/")


def _parent(path):
    head = path.rsplit("/", 1)[0]
    return head or "/"


def _is_within(path, top):
    """True if `path` is `top` or below it."""
    return top == "/" or path == top or path.startswith(top + "/")


class Tree:
    """The store: nodes by path, plus the change-event bookkeeping."""

    def __init__(self):
        self.root = Node()

    def lookup(self, path):
        node = self.root
        for name in _split(path):
            node = node.children.get(name)
            if node is None:
                return None
        return node

    def get(self, path):
        node = self.lookup(path)
        if node is None:
            raise XsError("ENOENT")
        return node

    def write(self, path, value, mkdir_only=False):
        """Write `value` (creating missing ancestors, which inherit their
        parent's permissions); with mkdir_only, leave an existing node."""
        if path == "/" or path.startswith("@"):
            raise XsError("EINVAL")
        node = self.root
        for name in _split(path):
            child = node.children.get(name)
            if child is None:
                child = Node(perms=node.perms)
                node.children[name] = child
            node = child
        if not mkdir_only:
            node.value = value

    def rm(self, path):
        """Remove a subtree; returns the paths of the removed nodes."""
        if path == "/" or path.startswith("@"):
            raise XsError("EINVAL")
        parent = self.lookup(_parent(path))
        if parent is None:
            raise XsError("ENOENT")
        node = parent.children.pop(path.rsplit("/", 1)[1], None)
        removed = []

        def walk(p, n):
            removed.append(p)
            for name, child in n.children.items():
                walk(p + "/" + name, child)

        if node is not None:
            walk(path, node)
        return removed


def _event(watch, path):
    """The payload of a watch event for `path` (relative for a watch that
    was registered with a relative path)."""
    if watch[2]:
        path = path[len("/local/domain/0/"):]
    return path.encode() + b"\0" + watch[1].encode() + b"\0"


class Connection:
    """One client socket: its buffers, watches and open transactions."""

    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.outbuf = b""
        self.watches = []  # [(canonical path, token, relative?)]
        self.after = []  # messages to send after the current reply
        self.transactions = {}  # id -> [tree copy, base generation, events]
        self.registered = False  # In the selector (not while stalled).


class XenstoreServer:
    """The server: a selector loop in one thread, the tree under a lock."""

    def __init__(self, path, verbose=False):
        self.path = path
        self.verbose = verbose
        self.tree = Tree()
        self.generation = 0
        self.next_tx = 1
        self.lock = threading.RLock()
        self.conns = {}
        self.listener = None
        self.thread = None
        self.sel = None
        self.wake_r = self.wake_w = None
        self.running = False
        self.stalled = False

    # -- lifecycle --------------------------------------------------------

    def start(self):
        """Listen on the socket and serve in a background thread."""
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.wake_w.setblocking(False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, "listen")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        """Drop every connection and stop listening (xenstored gone).  The
        tree is kept: start() serves it again."""
        if not self.running:
            return
        self.running = False
        self._wake()
        self.thread.join(10)
        with self.lock:
            for conn in list(self.conns.values()):
                self._close(conn)
            self.sel.close()
            self.listener.close()
            self.wake_r.close()
            self.wake_w.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def disconnect_all(self):
        """Close every client connection but keep listening."""
        with self.lock:
            for conn in list(self.conns.values()):
                self._close(conn)

    def stall(self):
        """Stop reading requests (a hung xenstored): clients' connections
        stay open and their requests wait unanswered until resume()."""
        with self.lock:
            self.stalled = True
        self._wake()

    def resume(self):
        """Answer the waiting requests and serve again."""
        with self.lock:
            self.stalled = False
        self._wake()

    def _wake(self):
        try:
            self.wake_w.send(b"x")
        except OSError:
            pass

    def _close(self, conn):
        self.conns.pop(conn.sock.fileno(), None)
        try:
            self.sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()

    def _loop(self):
        while self.running:
            with self.lock:
                for conn in self.conns.values():
                    ev = selectors.EVENT_READ
                    if conn.outbuf:
                        ev |= selectors.EVENT_WRITE
                    if self.stalled:
                        ev = 0  # Nothing read, nothing sent.
                    if ev and conn.registered:
                        self.sel.modify(conn.sock, ev, conn)
                    elif ev:
                        self.sel.register(conn.sock, ev, conn)
                    elif conn.registered:
                        self.sel.unregister(conn.sock)
                    conn.registered = bool(ev)
            for key, mask in self.sel.select():
                with self.lock:
                    if key.data == "wake":
                        try:
                            self.wake_r.recv(4096)
                        except BlockingIOError:
                            pass
                    elif key.data == "listen":
                        self._accept()
                    elif key.data.sock.fileno() in self.conns:
                        self._service(key.data, mask)

    def _accept(self):
        try:
            sock, _ = self.listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(False)
        conn = Connection(sock)
        self.conns[sock.fileno()] = conn
        self.sel.register(sock, selectors.EVENT_READ, conn)
        conn.registered = True

    def _service(self, conn, mask):
        if mask & selectors.EVENT_WRITE:
            try:
                n = conn.sock.send(conn.outbuf)
                conn.outbuf = conn.outbuf[n:]
            except BlockingIOError:
                pass
            except OSError:
                self._close(conn)
                return
        if not mask & selectors.EVENT_READ:
            return
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close(conn)
            return
        conn.inbuf += data
        while len(conn.inbuf) >= HEADER.size:
            mtype, req_id, tx_id, length = HEADER.unpack_from(conn.inbuf)
            if length > PAYLOAD_MAX:
                self._log("payload too long (%d): dropping client" % length)
                self._close(conn)
                return
            if len(conn.inbuf) < HEADER.size + length:
                break
            payload = conn.inbuf[HEADER.size:HEADER.size + length]
            conn.inbuf = conn.inbuf[HEADER.size + length:]
            try:
                rtype, reply = mtype, self._request(conn, mtype, tx_id,
                                                    payload)
            except XsError as e:
                rtype, reply = XS_ERROR, e.name.encode() + b"\0"
            except (UnicodeDecodeError, IndexError, ValueError):
                rtype, reply = XS_ERROR, b"EINVAL\0"
            except Exception:  # A bug here: say so, keep serving.
                traceback.print_exc()
                rtype, reply = XS_ERROR, b"EIO\0"
            self._log("type %d tx %d %r -> %d %r"
                      % (mtype, tx_id, payload, rtype, reply))
            self._send(conn, rtype, req_id, tx_id, reply)
            for event in conn.after:
                self._send(conn, XS_WATCH_EVENT, 0, 0, event)
            conn.after = []

    def _send(self, conn, mtype, req_id, tx_id, payload):
        conn.outbuf += HEADER.pack(mtype, req_id, tx_id, len(payload))
        conn.outbuf += payload
        self._wake()

    def _log(self, msg):
        if self.verbose:
            print("xenstored: " + msg, file=sys.stderr, flush=True)

    # -- requests ---------------------------------------------------------

    @staticmethod
    def _canonical(path):
        if not path.startswith("/") and not path.startswith("@"):
            path = "/local/domain/0/" + path
        if not PATH_RE.match(path) or len(path) > 3072:
            raise XsError("EINVAL")
        return path

    def _request(self, conn, mtype, tx_id, payload):
        """Handle one request; returns the reply payload or raises."""
        args = payload.split(b"\0")
        if mtype == XS_WRITE:
            path = self._canonical(args[0].decode())
            value = payload[len(args[0]) + 1:]
        elif mtype == XS_SET_PERMS:
            if not payload.endswith(b"\0") or len(args) < 3:
                raise XsError("EINVAL")
            path = self._canonical(args[0].decode())
            perms = [a.decode() for a in args[1:-1]]
        elif mtype in (XS_CONTROL, XS_TRANSACTION_START):
            path = None
        elif not payload.endswith(b"\0"):
            raise XsError("EINVAL")
        else:
            args = [a.decode() for a in args[:-1]]
            path = args[0] if args else ""

        if mtype == XS_TRANSACTION_START:
            if tx_id:
                raise XsError("EBUSY")
            txid = self.next_tx
            self.next_tx += 1
            conn.transactions[txid] = [copy.deepcopy(self.tree),
                                       self.generation, []]
            return b"%d\0" % txid
        if mtype == XS_TRANSACTION_END:
            tx = conn.transactions.pop(tx_id, None)
            if tx is None:
                raise XsError("ENOENT")
            if path == "T":
                if tx[1] != self.generation:
                    raise XsError("EAGAIN")
                self.tree = tx[0]
                self.generation += 1
                for event in tx[2]:
                    self._fire(*event)
            elif path != "F":
                raise XsError("EINVAL")
            return b"OK\0"

        if tx_id:
            if tx_id not in conn.transactions:
                raise XsError("ENOENT")
            tree, events = conn.transactions[tx_id][0], \
                conn.transactions[tx_id][2]
        else:
            tree, events = self.tree, None

        if mtype == XS_READ:
            return tree.get(self._canonical(path)).value
        if mtype == XS_DIRECTORY:
            node = tree.get(self._canonical(path))
            reply = b"".join(n.encode() + b"\0" for n in node.children)
            if len(reply) > PAYLOAD_MAX:
                raise XsError("E2BIG")
            return reply
        if mtype == XS_GET_PERMS:
            node = tree.get(self._canonical(path))
            return b"".join(p.encode() + b"\0" for p in node.perms)
        if mtype in (XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS):
            if mtype == XS_WRITE:
                self._change(tree, events, "write", path, value)
            elif mtype == XS_MKDIR:
                self._change(tree, events, "mkdir",
                             self._canonical(path), None)
            elif mtype == XS_RM:
                self._change(tree, events, "rm", self._canonical(path), None)
            else:
                self._change(tree, events, "perms", path, perms)
            return b"OK\0"
        if mtype == XS_WATCH:
            if len(args) != 2:
                raise XsError("EINVAL")
            watch = (self._canonical(args[0]), args[1],
                     not args[0].startswith(("/", "@")))
            if any(w[:2] == watch[:2] for w in conn.watches):
                raise XsError("EEXIST")
            conn.watches.append(watch)
            # The initial event, sent right after the ack.
            conn.after.append(_event(watch, watch[0]))
            return b"OK\0"
        if mtype == XS_UNWATCH:
            if len(args) != 2:
                raise XsError("EINVAL")
            key = (self._canonical(args[0]), args[1])
            found = [w for w in conn.watches if w[:2] == key]
            if not found:
                raise XsError("ENOENT")
            conn.watches.remove(found[0])
            return b"OK\0"
        if mtype == XS_RESET_WATCHES:
            conn.watches = []
            conn.transactions = {}
            return b"OK\0"
        if mtype == XS_GET_DOMAIN_PATH:
            if not path.isdigit():
                raise XsError("EINVAL")
            return b"/local/domain/%d\0" % int(path)
        if mtype == XS_IS_DOMAIN_INTRODUCED:
            return b"T\0"
        if mtype in (XS_INTRODUCE, XS_RELEASE, XS_RESUME, XS_SET_TARGET):
            return b"OK\0"
        raise XsError("ENOSYS" if mtype == XS_CONTROL else "EINVAL")

    def _change(self, tree, events, op, path, arg):
        """Apply one change to `tree`; fire its watches now, or queue them
        in `events` when inside a transaction."""
        path = self._canonical(path)
        removed = []
        if op == "write":
            tree.write(path, arg)
        elif op == "mkdir":
            tree.write(path, None, mkdir_only=True)
        elif op == "rm":
            if tree.lookup(path) is None:
                if tree.lookup(_parent(path)) is None:
                    raise XsError("ENOENT")
                return
            removed = tree.rm(path)
        elif op == "perms":
            if not arg or not all(PERM_RE.match(p) for p in arg):
                raise XsError("EINVAL")
            tree.get(path).perms = list(arg)
        if events is not None:
            events.append((path, removed))
        else:
            self.generation += 1
            self._fire(path, removed)

    def _fire(self, path, removed):
        """Send the watch events for a change of `path` (and, for a removal,
        of every node in `removed`)."""
        for conn in self.conns.values():
            for watch in conn.watches:
                if _is_within(path, watch[0]):
                    hit = path
                elif watch[0] in removed:
                    hit = watch[0]
                else:
                    continue
                self._send(conn, XS_WATCH_EVENT, 0, 0, _event(watch, hit))

    # -- direct tree access for tests -------------------------------------

    def write(self, path, value, perms=None):
        """Write a node (str or bytes); optionally set its permissions."""
        if isinstance(value, str):
            value = value.encode()
        with self.lock:
            self._change(self.tree, None, "write", path, value)
            if perms is not None:
                self._change(self.tree, None, "perms", path, perms)

    def mkdir(self, path):
        with self.lock:
            self._change(self.tree, None, "mkdir", path, None)

    def rm(self, path):
        with self.lock:
            self._change(self.tree, None, "rm", path, None)

    def set_perms(self, path, perms):
        """Set a node's permissions, e.g. ["n0", "r5"] or ["b5"]."""
        with self.lock:
            self._change(self.tree, None, "perms", path, perms)

    def fire_special(self, name):
        """Fires the watches on special path `name` ("@introduceDomain",
        "@releaseDomain"), as xenstored does when domains come and go."""
        with self.lock:
            for conn in self.conns.values():
                for watch in conn.watches:
                    if watch[0] == name:
                        self._send(conn, XS_WATCH_EVENT, 0, 0,
                                   _event(watch, name))

    def read(self, path):
        """A node's value as str, or None if the node does not exist."""
        with self.lock:
            node = self.tree.lookup(self._canonical(path))
            return None if node is None else node.value.decode()

    def get_perms(self, path):
        with self.lock:
            return list(self.tree.get(self._canonical(path)).perms)

    def directory(self, path):
        with self.lock:
            return list(self.tree.get(self._canonical(path)).children)

    def watches(self):
        """Every registered watch, as (path, token) pairs."""
        with self.lock:
            return [w[:2] for c in self.conns.values() for w in c.watches]

    def connection_count(self):
        with self.lock:
            return len(self.conns)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--socket", required=True,
                        help="unix socket to listen on (XENSTORED_PATH)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every request to stderr")
    opts = parser.parse_args()
    srv = XenstoreServer(opts.socket, verbose=opts.verbose).start()
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
