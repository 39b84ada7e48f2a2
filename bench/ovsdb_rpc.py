"""A JSON-RPC connection to ovsdb-server for the benchmarks (RFC 7047):
transactions and monitors over one kept-open unix socket, so that what is
timed is ovsdb-server and its clients, not the start of an ovs-vsctl
process.  Echo requests are answered; notifications that arrive while a
reply is awaited are kept in 'notes'."""

import json
import select
import socket
import time


class OvsdbRpc:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = ""
        self.dec = json.JSONDecoder()
        self.n = 0
        self.notes = []

    def _parse(self):
        self.buf = self.buf.lstrip()
        if not self.buf:
            return None
        try:
            msg, end = self.dec.raw_decode(self.buf)
        except ValueError:
            return None
        self.buf = self.buf[end:]
        return msg

    def recv(self, timeout=None):
        """One message, or None after 'timeout' seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            msg = self._parse()
            if msg is not None:
                if msg.get("method") == "echo":
                    self.send({"id": msg["id"], "error": None,
                               "result": msg["params"]})
                    continue
                return msg
            if deadline is not None:
                left = max(0.0, deadline - time.monotonic())
                if not select.select([self.s], [], [], left)[0]:
                    return None
            data = self.s.recv(1 << 20)
            if not data:
                raise RuntimeError("ovsdb-server closed the connection")
            self.buf += data.decode()

    def send(self, msg):
        self.s.sendall(json.dumps(msg).encode())

    def call(self, method, params):
        """Sends request 'method'; returns its result."""
        self.n += 1
        self.send({"method": method, "id": self.n, "params": params})
        while True:
            msg = self.recv()
            if msg.get("id") == self.n:
                if msg.get("error"):
                    raise RuntimeError("%s: %s" % (method, msg))
                return msg["result"]
            self.notes.append(msg)

    def transact(self, ops):
        """Runs 'ops' on Open_vSwitch; returns the results once committed."""
        res = self.call("transact", ["Open_vSwitch"] + ops)
        for r in res:
            if r and "error" in r:
                raise RuntimeError("transact: %s" % res)
        return res

    def close(self):
        self.s.close()


def add_port_ops(bridge, iface_row):
    """The operations that add a port with one interface 'iface_row' (its
    "name" is the port's too) to 'bridge'; the Port's UUID is the second
    result."""
    return [{"op": "insert", "table": "Interface", "uuid-name": "i",
             "row": iface_row},
            {"op": "insert", "table": "Port", "uuid-name": "p",
             "row": {"name": iface_row["name"],
                     "interfaces": ["named-uuid", "i"]}},
            {"op": "mutate", "table": "Bridge",
             "where": [["name", "==", bridge]],
             "mutations": [["ports", "insert",
                            ["set", [["named-uuid", "p"]]]]]}]
