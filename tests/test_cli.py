"""The command line interfaces of vifguardd and vifguard-ctl, run as built.

Covers --help/--version, bad options and configuration files (exit status
and message), the daemon in the foreground answering vifguard-ctl on a
private control socket (text and JSON), the control protocol's robustness
against bad, huge, pipelined, early-closing, slow and too many clients,
SIGHUP/SIGTERM, --detach with --pidfile, and systemd readiness on
$NOTIFY_SOCKET.  No OVSDB is needed yet: the daemon gets
--ovsdb=unix:/nonexistent.  Also: the man pages and the shipped
configuration file against --help and the sources, and (with a private
Open vSwitch) the rate limit of warnings caused by policy writers.

The binaries come from VG_BUILD_PLAIN (default build/plain in the source
tree; see tests/conftest.py).
"""

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import BUILD_DIRS
from vifguard_daemon import VifguardDaemon

BUILD = BUILD_DIRS["plain"]
SRCDIR = BUILD_DIRS["srcdir"]
TIMEOUT = 10


def version():
    with open(os.path.join(SRCDIR, "VERSION")) as f:
        return f.read().strip()


def binary(name):
    path = os.path.join(BUILD, name)
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (run scripts/run-tests.sh, or set "
                    "VG_BUILD_PLAIN)" % path, pytrace=False)
    return path


def run(prog, *args, env=None, timeout=TIMEOUT):
    return subprocess.run([binary(prog)] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def tmpdir_short():
    """A short temporary directory (unix socket paths must be < 108 bytes).
    """
    d = tempfile.mkdtemp(prefix="vg-cli-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def wait_for(cond, timeout=TIMEOUT, what="condition"):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def process_gone(pid):
    """True if 'pid' does not exist or is a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class Daemon:
    """vifguardd in the foreground with its files in 'directory'."""

    def __init__(self, directory, args=(), env=None, ctl=None):
        self.dir = directory
        self.ctl = ctl or os.path.join(directory, "run", "ctl.sock")
        self.ofp = os.path.join(directory, "run", "ofp.sock")
        self.log = os.path.join(directory, "vifguardd.log")
        cmd = [binary("vifguardd"), "--ovsdb=unix:/nonexistent",
               "--listen=punix:" + self.ofp, "--ctl=" + self.ctl,
               "--log-file=" + self.log, "--config=/dev/null"] + list(args)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     env=env)

    def wait_ready(self):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError("vifguardd exited with %d: %s" % (
                    self.proc.returncode, self.proc.stderr.read()))
            return os.path.exists(self.ctl) and \
                ctl(self.ctl, "version").returncode == 0
        wait_for(ready, what="vifguardd to answer on " + self.ctl)
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("vifguardd ignored signal %d" % sig)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode

    def log_text(self):
        with open(self.log) as f:
            return f.read()


@pytest.fixture
def daemon(tmpdir_short):
    d = Daemon(tmpdir_short).wait_ready()
    yield d
    rc = d.stop()
    assert rc == 0, "vifguardd exited with %d" % rc
    problems = [line for line in d.log_text().splitlines()
                if "|ERR|" in line or "|WARN|" in line]
    assert not problems, "unexpected log lines:\n" + "\n".join(problems)


def ctl(path, *args, timeout=TIMEOUT):
    return run("vifguard-ctl", "--ctl=" + path, *args, timeout=timeout)


def ctl_json(path, command):
    r = ctl(path, "--format=json", command)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            # The listen backlog (64) is full: the daemon accepts in turn.
            assert time.monotonic() < deadline, "cannot connect to " + path
            time.sleep(0.01)


def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def read_lines(s, n):
    """The next 'n' response lines, parsed."""
    buf = b""
    while buf.count(b"\n") < n:
        chunk = s.recv(65536)
        assert chunk, "connection closed after %r" % buf
        buf += chunk
    return [json.loads(line) for line in buf.split(b"\n")[:n]]


def request(s, data):
    s.sendall(data)
    line = read_line(s)
    assert line.endswith(b"\n"), "no complete response: %r" % line
    return json.loads(line)


# --help and --version.

@pytest.mark.parametrize("prog", ["vifguardd", "vifguard-ctl"])
def test_help(prog):
    for opt in ("--help", "-h"):
        r = run(prog, opt)
        assert r.returncode == 0, r.stderr
        assert "usage: %s" % prog in r.stdout
        assert r.stderr == ""


@pytest.mark.parametrize("prog", ["vifguardd", "vifguard-ctl"])
def test_version(prog):
    for opt in ("--version", "-V"):
        r = run(prog, opt)
        assert r.returncode == 0, r.stderr
        assert r.stdout == "%s (vifguard) %s\n" % (prog, version())


def test_daemon_help_lists_every_option():
    out = run("vifguardd", "--help").stdout
    for opt in ("--ovsdb", "--listen", "--ctl", "--default-mode",
                "--guest-ports", "--config", "--detach", "--pidfile",
                "--log-file", "--verbose", "--help", "--version"):
        assert opt in out


def man_page(name):
    """The sections of docs/NAME as {title: text}, troff escapes and font
    changes removed ("\\-" is "-")."""
    with open(os.path.join(SRCDIR, "docs", name)) as f:
        src = f.read()
    src = re.sub(r"\\f[BIRP]|\\c|\\&", "", src)
    src = src.replace("\\-", "-").replace("\\(dq", '"')
    sections, title = {}, ""
    for line in src.splitlines():
        m = re.match(r"^\.SH (.*)", line)
        if m:
            title = m.group(1).strip('"')
            continue
        line = re.sub(r"^\.[A-Z]{1,2}\b ?", "", line)
        sections[title] = sections.get(title, "") + line + "\n"
    return sections


def help_options(text):
    """The long options ("--name") of a --help text."""
    return set(re.findall(r"^ +(?:-\w, )?(--[a-z-]+)", text, re.M))


def test_docs_match_the_programs(build_dirs):
    """What the man pages and the shipped configuration file list is what
    the programs have: every option of --help, every configuration key of
    config.c's table, every -v subsystem, every vifguard-ctl command and
    every key of its JSON output (ctl-json.c)."""
    # vifguardd.
    man = man_page("vifguardd.8")
    opts = help_options(run("vifguardd", "--help").stdout)
    assert "--xenstore" in opts and "--verbose" in opts
    for opt in opts:
        assert opt in man["OPTIONS"], opt
        if opt not in ("--help", "--version", "--verbose"):
            assert opt in man["SYNOPSIS"], opt
    with open(os.path.join(SRCDIR, "src", "config.c")) as f:
        config_c = f.read()
    keys = re.findall(r'^    \{ VG_SET_\w+, "([a-z-]+)",', config_c, re.M)
    assert "xenstore" in keys and "verbose" in keys
    with open(os.path.join(SRCDIR, "etc", "vifguard.conf")) as f:
        conf = f.read()
    for key in keys:
        assert re.search(r"\b%s\b" % key, man["CONFIGURATION FILE"]), key
        assert re.search(r"^#?%s = " % key, conf, re.M), key
    subsystems = re.search(r"subsystems\[\] = \{([^}]*)\}", config_c)
    for name in re.findall(r'"(\w+)"', subsystems.group(1)):
        assert re.search(r"\b%s\b" % name, man["OPTIONS"]), name
        assert re.search(r"^#.*\b%s\b" % name, conf, re.M), name

    # vifguard-ctl: options, commands, JSON keys; and the bash completion
    # of both clients knows their options and commands.
    with open(os.path.join(SRCDIR, "etc", "vifguard.bash-completion")) as f:
        completion = f.read()
    man = man_page("vifguard-ctl.8")
    out = run("vifguard-ctl", "--help").stdout
    for opt in help_options(out):
        assert opt in man["OPTIONS"], opt
        assert re.search(r"%s\b" % opt, completion), opt
    commands = re.findall(r"^  (\w+) ", out.split("Options:")[0], re.M)
    assert "wait" in commands and "stats" in commands
    for cmd in commands:
        assert re.search(r"^%s\b" % cmd, man["COMMANDS"], re.M), cmd
        assert re.search(r"compgen -W '[^']*\b%s\b" % cmd, completion), cmd
    with open(os.path.join(SRCDIR, "src", "ctl-json.c")) as f:
        json_keys = set(re.findall(r'add__\(\w+, "(\w+)"', f.read()))
    json_keys -= {"ok", "result"}  # the response envelope
    assert "foreign_flows_removed" in json_keys
    for key in json_keys:
        assert '"%s"' % key in man["OPTIONS"], key

    # vifguard-attach.
    man = man_page("vifguard-attach.8")
    script = os.path.join(build_dirs["plain"], "scripts", "vifguard-attach")
    out = subprocess.run([script, "--help"], capture_output=True, text=True,
                         timeout=TIMEOUT).stdout
    opts = help_options(out)
    assert "--force" in opts
    for opt in opts:
        assert opt in man["OPTIONS"], opt
        assert re.search(r"%s\b" % opt, completion), opt


# Bad command lines and configuration files.

BAD_DAEMON_ARGS = [
    (["--bogus"], 'unknown option "--bogus"'),
    (["-q"], 'unknown option "-q"'),
    (["--ctl"], 'option "--ctl" needs a value'),
    (["--detach=yes"], 'option "--detach" does not take a value'),
    (["--ctl="], "--ctl: missing value"),
    (["--default-mode=lockd"], '--default-mode: "lockd": unknown mode'),
    (["--listen=tcp:1"], '--listen: "tcp:1": bad listen target'),
    (["--listen=ptcp:0"], '--listen: "ptcp:0": bad port number "0"'),
    (["--listen=ptcp:80:1.2.3"], 'bad IP address "1.2.3"'),
    (["--ovsdb=db.sock"], '--ovsdb: "db.sock": bad OVSDB remote'),
    (["--guest-ports=vif*,"], 'empty pattern in list'),
    (["-vOVSDB"], 'bad subsystem name "OVSDB"'),
    (["--ctl=/a", "--ctl=/b"], 'option "--ctl" given more than once'),
    (["extra"], 'unexpected argument "extra"'),
    (["--config=/nonexistent/vifguard.conf"],
     "/nonexistent/vifguard.conf: cannot open configuration file: No such "
     "file or directory"),
]


@pytest.mark.parametrize("args,message", BAD_DAEMON_ARGS,
                         ids=[" ".join(a) for a, _ in BAD_DAEMON_ARGS])
def test_daemon_bad_args(args, message):
    r = run("vifguardd", *args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("vifguardd: ")
    assert message in r.stderr
    assert r.stdout == ""


def test_daemon_knows_every_subsystem():
    """-v accepts exactly the subsystems that log: every SUBSYS of src/ (a
    new module must be added to config.c's list, or -vNEW is refused)."""
    names = set()
    for fname in os.listdir(os.path.join(SRCDIR, "src")):
        if fname.endswith(".c"):
            with open(os.path.join(SRCDIR, "src", fname)) as f:
                names.update(re.findall(r'^#define SUBSYS "([a-z_-]+)"',
                                        f.read(), re.M))
    assert "engine" in names and "xenstore" in names
    r = run("vifguardd", "--verbose=" + ",".join(sorted(names)), "--help")
    assert r.returncode == 0, r.stderr
    r = run("vifguardd", "-vengnie", "--help")
    assert r.returncode == 2
    assert 'unknown subsystem "engnie"' in r.stderr


def test_daemon_bad_config_file(tmpdir_short):
    conf = os.path.join(tmpdir_short, "vifguard.conf")
    with open(conf, "w") as f:
        f.write("# test\nctl = /tmp/x.sock\ndefault-mode = strict\n")
    r = run("vifguardd", "--config=" + conf)
    assert r.returncode == 2
    assert r.stderr == ('vifguardd: %s:3: default-mode: "strict": unknown '
                        'mode (expected locked, unlocked or disabled)\n'
                        % conf)

    with open(conf, "w") as f:
        f.write("ctl = /a\nctl = /b\n")
    r = run("vifguardd", "--config=" + conf)
    assert r.returncode == 2
    assert "%s:2: ctl: given more than once (first on line 1)" % conf \
        in r.stderr

    with open(conf, "w") as f:
        f.write("listen = punix:/a\nwhatever\n")
    r = run("vifguardd", "--config=" + conf)
    assert r.returncode == 2
    assert '%s:2: "whatever": expected KEY = VALUE' % conf in r.stderr


BAD_CTL_ARGS = [
    ([], "missing COMMAND"),
    (["bogus"], 'unknown command "bogus"'),
    (["show", "extra"], 'command "show" takes no arguments'),
    (["wait"], 'command "wait" needs at least one PORT'),
    (["wait", "vif1.0", ""], "wait: empty PORT name"),
    # An option after the command is not a port to wait for (it would be
    # waited for until the timeout, and the option silently ignored).
    (["wait", "vif1.0", "--timeout=60"],
     'wait: "--timeout=60" is an option: options go before COMMAND'),
    (["--format=xml", "show"], '--format: "xml": unknown format'),
    (["--timeout=0", "show"], '--timeout: "0": expected a number'),
    (["--timeout=abc", "show"], '--timeout: "abc": expected a number'),
    (["--bogus", "show"], 'unknown option "--bogus"'),
    (["--ctl"], 'option "--ctl" needs a value'),
    (["--help=1"], 'option "--help" does not take a value'),
]


@pytest.mark.parametrize("args,message", BAD_CTL_ARGS,
                         ids=[" ".join(a) or "none" for a, _ in BAD_CTL_ARGS])
def test_ctl_bad_args(args, message):
    r = run("vifguard-ctl", *args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("vifguard-ctl: ")
    assert message in r.stderr
    assert "--help" in r.stderr


def test_ctl_daemon_not_running(tmpdir_short):
    path = os.path.join(tmpdir_short, "none.sock")
    r = ctl(path, "show")
    assert r.returncode == 1
    assert r.stderr == ("vifguard-ctl: cannot connect to vifguardd at %s: No "
                        "such file or directory (is vifguardd running? see "
                        "--ctl)\n" % path)

    # A socket file nobody listens on (a daemon that was killed -9).
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()
    r = ctl(path, "show")
    assert r.returncode == 1
    assert "cannot connect to vifguardd at %s: Connection refused" % path \
        in r.stderr


def test_ctl_timeout(tmpdir_short):
    path = os.path.join(tmpdir_short, "mute.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    try:
        t0 = time.monotonic()
        r = ctl(path, "--timeout=0.5", "show")
        elapsed = time.monotonic() - t0
        assert r.returncode == 1
        assert r.stderr == ("vifguard-ctl: timed out after 0.5 s waiting for "
                            "vifguardd at %s\n" % path)
        assert elapsed < 5
    finally:
        server.close()


def test_ctl_daemon_answers_garbage(tmpdir_short):
    path = os.path.join(tmpdir_short, "fake.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def serve(reply):
        c, _ = server.accept()
        c.recv(1000)
        c.sendall(reply)
        c.close()

    try:
        for reply, message in [
                (b"not json\n", "bad response from vifguardd"),
                (b'{"ok":false,"error":"boom"}\n', "vifguardd: boom"),
                (b"", "closed the connection without answering")]:
            t = threading.Thread(target=serve, args=(reply,))
            t.start()
            r = ctl(path, "show")
            t.join()
            assert r.returncode == 1
            assert message in r.stderr
    finally:
        server.close()


# The daemon in the foreground.

def test_ctl_json(daemon):
    show = ctl_json(daemon.ctl, "show")
    assert show["version"] == version()
    assert show["bridges"] == []
    assert show["ovsdb_connected"] is False
    assert show["uptime"] >= 0

    assert ctl_json(daemon.ctl, "vifs") == []

    stats = ctl_json(daemon.ctl, "stats")
    for key in ("uptime", "ovsdb_updates", "ofp_connections",
                "flow_mods_sent", "bundles_committed", "bundles_failed",
                "ofp_errors", "foreign_flows_removed", "mac_entries_removed",
                "mac_table_flushes", "loop_iterations"):
        assert key in stats
    assert len(stats["plug_latency"]["buckets"]) == 24
    assert stats["plug_latency"]["count"] == 0
    assert len(stats["noflood_latency"]["buckets"]) == 24
    assert stats["noflood_latency"]["count"] == 0
    assert len(stats["commit_latency"]["buckets"]) == 24
    assert stats["commit_latency"]["count"] == 0
    assert stats["log"] == {"errors": 0, "warnings": 0}

    assert ctl_json(daemon.ctl, "version") == {"version": version()}


def test_ctl_text(daemon):
    r = ctl(daemon.ctl, "show")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("vifguardd %s: up " % version())
    assert "no bridges" in r.stdout

    r = ctl(daemon.ctl, "vifs")
    assert r.returncode == 0, r.stderr
    assert re.match(r"BRIDGE +NAME +OFPORT +MAC +MODE +IPV4 +IPV6 +SOURCE +"
                    r"STATE +REASON\n", r.stdout)

    r = ctl(daemon.ctl, "stats")
    assert r.returncode == 0, r.stderr
    assert "plug latency:         no plugs yet" in r.stdout
    assert "NO_FLOOD window:      no ports yet" in r.stdout
    assert "switch commit:        no bundles yet" in r.stdout
    assert "log:                  0 errors, 0 warnings" in r.stdout

    r = ctl(daemon.ctl, "version")
    assert r.stdout == "vifguardd %s\n" % version()


def test_sockets_and_log(daemon):
    st = os.stat(daemon.ctl)
    assert st.st_mode & 0o777 == 0o660
    assert os.stat(os.path.dirname(daemon.ctl)).st_mode & 0o777 == 0o750
    lines = daemon.log_text().splitlines()
    assert lines, "empty log"
    pattern = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|[a-z]+\|"
                         r"(ERR|WARN|INFO|DBG)\|.")
    for line in lines:
        assert pattern.match(line), line
    assert any("|main|INFO|vifguardd %s started" % version() in line
               for line in lines)
    # No OVSDB (--ovsdb=unix:/nonexistent): the log says what to look at.
    assert any("|ovsdb|INFO|unix:/nonexistent: connect: No such file or "
               "directory; reconnecting in 0.1 s (is ovsdb-server running?"
               in line for line in lines), lines


def test_protocol_errors(daemon):
    s = connect(daemon.ctl)
    try:
        r = request(s, b"garbage\n")
        assert r == {"ok": False,
                     "error": "request is not JSON: unexpected character"}
        r = request(s, b'{"command":"dance"}\n')
        assert r["ok"] is False
        assert r["error"].startswith('unknown command "dance"')
        r = request(s, b"[1,2]\n")
        assert r["ok"] is False and "not a JSON object" in r["error"]
        r = request(s, b'{"command":"vifs","args":["x"]}\n')
        assert r == {"ok": False,
                     "error": 'command "vifs" takes no arguments'}
        # The connection still works after errors; blank lines are skipped.
        r = request(s, b'\n\r\n{"command":"version"}\r\n')
        assert r == {"ok": True, "result": {"version": version()}}
        # Pipelined requests are answered in order.
        s.sendall(b'{"command":"version"}\n{"command":"vifs"}\n')
        first, second = read_lines(s, 2)
        assert first["result"] == {"version": version()}
        assert second["result"] == []
    finally:
        s.close()


def test_request_too_long(daemon):
    s = connect(daemon.ctl)
    try:
        s.sendall(b"x" * (64 * 1024 + 10))
        r = json.loads(read_line(s))
        assert r["ok"] is False
        assert r["error"].startswith("request too long")
        assert s.recv(100) == b"", "connection not closed"
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        s.close()
    assert ctl(daemon.ctl, "version").returncode == 0

    # Exactly 64 KiB (whitespace-padded) is fine.
    s = connect(daemon.ctl)
    req = b'{"command":"version"}'
    req += b" " * (64 * 1024 - len(req)) + b"\n"
    assert request(s, req)["ok"] is True
    s.close()


def test_clients_closing_early(daemon):
    for data in (b"", b'{"command":', b'{"command":"stats"}\n',
                 b"\xff\x00\xfe" * 1000):
        s = connect(daemon.ctl)
        if data:
            s.sendall(data)
        s.close()
    # Half-closed after an unterminated request: still answered.
    s = connect(daemon.ctl)
    s.sendall(b'{"command":"version"}')
    s.shutdown(socket.SHUT_WR)
    r = json.loads(read_line(s))
    assert r["result"] == {"version": version()}
    assert s.recv(10) == b""
    s.close()
    assert ctl(daemon.ctl, "version").returncode == 0


MAX_CLIENTS = 256  # CTL_MAX_CLIENTS


def test_many_clients(daemon):
    socks = [connect(daemon.ctl) for _ in range(MAX_CLIENTS - 14)]
    try:
        for s in socks:
            s.sendall(b'{"command":"show"}\n')
        for s in socks:
            assert json.loads(read_line(s))["ok"] is True
        # Beyond the limit, clients are told and dropped.
        more = [connect(daemon.ctl) for _ in range(20)]
        refused = set()
        deadline = time.monotonic() + TIMEOUT
        while len(refused) < 6 and time.monotonic() < deadline:
            readable, _, _ = select.select(more, [], [], 0.1)
            for s in readable:
                if b"too many clients" in s.recv(1000):
                    refused.add(s)
        time.sleep(0.2)
        assert len(refused) == 6
        for s in more:
            if s not in refused:
                assert request(s, b'{"command":"version"}\n')["ok"] is True
        for s in more:
            s.close()
    finally:
        for s in socks:
            s.close()
    wait_for(lambda: ctl(daemon.ctl, "version").returncode == 0,
             what="daemon to serve again")
    # The refusals were logged as warnings: expected here, drop them.
    with open(daemon.log) as f:
        text = f.read()
    assert "more than %d clients" % MAX_CLIENTS in text
    open(daemon.log, "w").close()


def test_slow_client_does_not_block(daemon):
    slow = connect(daemon.ctl)
    slow.setblocking(False)
    sent = 0
    req = b'{"command":"stats"}\n' * 100
    deadline = time.monotonic() + 5
    # Send requests and never read: the socket buffers fill up.
    while time.monotonic() < deadline:
        try:
            sent += slow.send(req)
        except BlockingIOError:
            break
    assert sent > 0
    try:
        for _ in range(5):
            t0 = time.monotonic()
            r = ctl(daemon.ctl, "--timeout=3", "version")
            assert r.returncode == 0, r.stderr
            assert time.monotonic() - t0 < 3
    finally:
        slow.close()


def test_wait_parks_only_its_client(daemon):
    """A "wait" (no OVSDB here: its port never comes) holds only its own
    client: others are served meanwhile; its timeout answer names the
    port; requests pipelined behind it are answered after it, in order; a
    client that goes away while waiting costs nothing."""
    s = connect(daemon.ctl)
    s.sendall(b'{"command":"wait","args":["vif1.0"],"timeout":1.5}\n'
              b'{"command":"version"}\n')
    try:
        for _ in range(3):
            r = ctl(daemon.ctl, "--timeout=3", "version")
            assert r.returncode == 0, r.stderr
        first, second = read_lines(s, 2)
        assert first == {"ok": False, "error": "timed out after 1.5 s; not "
                         "protected: vif1.0 (unknown: no guest port of that "
                         "name yet)"}
        assert second["result"] == {"version": version()}
    finally:
        s.close()

    # Bad requests are refused at once, the connection kept.
    s = connect(daemon.ctl)
    try:
        r = request(s, b'{"command":"wait","args":["a"],"timeout":0}\n')
        assert r == {"ok": False, "error": '"timeout" 0 out of range (0 < '
                     'timeout <= 86400 seconds)'}
        r = request(s, b'{"command":"wait","args":[]}\n')
        assert r["error"] == ('command "wait" needs at least one port name '
                              'in "args"')
    finally:
        s.close()

    # Waiters that go away (a hook killed) free their slot at once, not at
    # their timeout: as many as the daemon takes, then one more client.  It
    # comes while the daemon is stopped, after they all left, so that the
    # daemon sees the leaving and the coming in one loop iteration: the
    # slots are freed first (else it would refuse the newcomer, and say so
    # in a warning).
    fds = "/proc/%d/fd" % daemon.proc.pid
    n_fds = len(os.listdir(fds))
    waiters = [connect(daemon.ctl) for _ in range(MAX_CLIENTS)]
    for s in waiters:
        s.sendall(b'{"command":"wait","args":["x"],"timeout":3600}\n')
    # (The client of the part above may not be closed yet in 'n_fds'.)
    wait_for(lambda: len(os.listdir(fds)) >= n_fds - 1 + MAX_CLIENTS,
             what="the waiters accepted")
    time.sleep(0.2)  # Their requests read.
    daemon.proc.send_signal(signal.SIGSTOP)
    try:
        for s in waiters:
            s.close()
        s = connect(daemon.ctl)
        s.sendall(b'{"command":"version"}\n')
    finally:
        daemon.proc.send_signal(signal.SIGCONT)
    assert read_lines(s, 1)[0] == {"ok": True,
                                   "result": {"version": version()}}
    s.close()
    # A half-closed waiter is still answered.
    s = connect(daemon.ctl)
    s.sendall(b'{"command":"wait","args":["x"],"timeout":0.3}\n')
    s.shutdown(socket.SHUT_WR)
    assert read_lines(s, 1)[0]["error"].startswith("timed out after 0.3 s")
    s.close()
    # Pipelined waits are each answered.
    s = connect(daemon.ctl)
    s.sendall(b'{"command":"wait","args":["x"],"timeout":0.2}\n' * 3)
    assert [r["ok"] for r in read_lines(s, 3)] == [False] * 3
    s.close()
    r = request(connect(daemon.ctl), json.dumps(
        {"command": "wait", "args": ["p%d" % i for i in range(1025)]}
    ).encode() + b"\n")
    assert r["error"] == ('command "wait" takes at most 1024 port names '
                          '(got 1025)')

    r = ctl(daemon.ctl, "--timeout=0.3", "wait", "vif2.0")
    assert r.returncode == 1
    assert r.stderr == ("vifguard-ctl: vifguardd: timed out after 0.3 s; "
                        "not protected: vif2.0 (unknown: no guest port of "
                        "that name yet)\n")
    assert ctl(daemon.ctl, "version").returncode == 0


@pytest.mark.parametrize("args,rc", [
    (["version"], 0), (["show"], 0), (["--format=json", "vifs"], 0),
    (["stats"], 0), (["--timeout=0.2", "wait", "vif1.0", "vif2.0"], 1),
], ids=["version", "show", "vifs", "stats", "wait"])
def test_ctl_under_valgrind(daemon, args, rc):
    """vifguard-ctl reads no uninitialized memory and leaks nothing (an
    unset field once crashed the packaged binary only)."""
    if shutil.which("valgrind") is None:
        pytest.fail("valgrind not found: run scripts/install-deps.sh",
                    pytrace=False)
    r = subprocess.run(
        ["valgrind", "--error-exitcode=99", "--leak-check=full",
         "--errors-for-leak-kinds=definite", "-q", binary("vifguard-ctl"),
         "--ctl=" + daemon.ctl] + args,
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == rc, r.stderr


def test_second_daemon_refused(daemon, tmpdir_short):
    os.makedirs(os.path.join(tmpdir_short, "other"))
    d2 = Daemon(os.path.join(tmpdir_short, "other"), ctl=daemon.ctl)
    assert d2.proc.wait(TIMEOUT) == 1
    err = d2.proc.stderr.read()
    assert "%s: another process is listening on this socket" % daemon.ctl \
        in err
    d2.stop()
    assert ctl(daemon.ctl, "version").returncode == 0


def test_stale_socket_replaced(tmpdir_short):
    run_dir = os.path.join(tmpdir_short, "run")
    os.makedirs(run_dir)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(os.path.join(run_dir, "ctl.sock"))
    s.close()
    d = Daemon(tmpdir_short).wait_ready()
    assert d.stop() == 0
    assert not os.path.exists(d.ctl)


def test_sigterm_and_sigint_clean_up(tmpdir_short):
    for sig in (signal.SIGTERM, signal.SIGINT):
        d = Daemon(tmpdir_short).wait_ready()
        assert d.stop(sig) == 0
        assert not os.path.exists(d.ctl)
        assert "shutting down" in d.log_text()


def test_sighup_reopens_log(daemon):
    rotated = daemon.log + ".1"
    os.rename(daemon.log, rotated)
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: os.path.exists(daemon.log), what="log file reopened")
    assert ctl(daemon.ctl, "version").returncode == 0
    with open(rotated) as f:
        assert "SIGHUP: reopening the log file" in f.read()


def test_config_file_and_precedence(tmpdir_short):
    conf = os.path.join(tmpdir_short, "vifguard.conf")
    file_ctl = os.path.join(tmpdir_short, "file-ctl.sock")
    args_ctl = os.path.join(tmpdir_short, "args-ctl.sock")
    log = os.path.join(tmpdir_short, "file.log")
    with open(conf, "w") as f:
        f.write("# settings\n"
                "ovsdb = unix:/nonexistent\n"
                "listen = punix:%s/ofp.sock\n"
                "ctl = %s\n"
                "default-mode = unlocked\n"
                "log-file = %s\n" % (tmpdir_short, file_ctl, log))
    p = subprocess.Popen([binary("vifguardd"), "--config=" + conf],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: os.path.exists(file_ctl), what=file_ctl)
        assert ctl(file_ctl, "version").returncode == 0
    finally:
        p.terminate()
        assert p.wait(TIMEOUT) == 0
    with open(log) as f:
        assert "default mode unlocked" in f.read()

    p = subprocess.Popen([binary("vifguardd"), "--config=" + conf,
                          "--ctl=" + args_ctl, "--default-mode=disabled"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: os.path.exists(args_ctl), what=args_ctl)
        assert not os.path.exists(file_ctl)
    finally:
        p.terminate()
        assert p.wait(TIMEOUT) == 0
    with open(log) as f:
        assert "default mode disabled" in f.read()


# --detach and --pidfile.

def test_detach_pidfile(tmpdir_short):
    pidfile = os.path.join(tmpdir_short, "vifguardd.pid")
    ctl_path = os.path.join(tmpdir_short, "ctl.sock")
    log = os.path.join(tmpdir_short, "d.log")
    common = ["--ovsdb=unix:/nonexistent", "--config=/dev/null",
              "--listen=punix:" + os.path.join(tmpdir_short, "ofp.sock")]
    r = run("vifguardd", "--detach", "--pidfile=" + pidfile,
            "--ctl=" + ctl_path, "--log-file=" + log, *common)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    # Ready means ready: no waiting needed.
    with open(pidfile) as f:
        pid = int(f.read())
    assert not process_gone(pid)
    assert ctl(ctl_path, "version").returncode == 0
    try:
        # A second daemon with the same pidfile is refused.
        r = run("vifguardd", "--detach", "--pidfile=" + pidfile,
                "--ctl=" + ctl_path + "2", *common)
        assert r.returncode == 1
        assert ("%s: pidfile is held by running process %d (is another "
                "vifguardd running?)" % (pidfile, pid)) in r.stderr
        assert "the daemon exited during startup" in r.stderr
        with open(pidfile) as f:
            assert int(f.read()) == pid
        # So is one in the foreground.
        r = run("vifguardd", "--pidfile=" + pidfile,
                "--ctl=" + ctl_path + "2", *common)
        assert r.returncode == 1
        assert "pidfile is held by running process %d" % pid in r.stderr
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: process_gone(pid), what="daemon to exit")
    assert not os.path.exists(pidfile)
    assert not os.path.exists(ctl_path)
    with open(log) as f:
        text = f.read()
    assert "|main|INFO|exiting" in text

    # A pidfile left behind by a dead process is taken over.
    with open(pidfile, "w") as f:
        f.write("999999\n")
    r = run("vifguardd", "--detach", "--pidfile=" + pidfile,
            "--ctl=" + ctl_path, *common)
    assert r.returncode == 0, r.stderr
    with open(pidfile) as f:
        pid = int(f.read())
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: process_gone(pid), what="daemon to exit")
    assert not os.path.exists(pidfile)


def start_on_fifo(tmpdir, option):
    """Runs vifguardd with 'option' (--pidfile=, --log-file=) naming a FIFO
    that nobody reads; returns the FIFO's path and the result."""
    fifo = os.path.join(tmpdir, "fifo")
    os.mkfifo(fifo)
    return fifo, run("vifguardd", option + fifo, "--ovsdb=unix:/nonexistent",
                     "--config=/dev/null",
                     "--ctl=" + os.path.join(tmpdir, "ctl.sock"),
                     "--listen=punix:" + os.path.join(tmpdir, "ofp.sock"))


def test_pidfile_not_a_regular_file(tmpdir_short):
    """--pidfile naming something that is not a regular file (a FIFO here;
    /dev/null as root is the same case) is refused, and left alone: the
    daemon must not remove a file it did not create."""
    fifo, r = start_on_fifo(tmpdir_short, "--pidfile=")
    assert r.returncode == 1
    assert "%s: pidfile is not a regular file" % fifo in r.stderr
    assert os.path.exists(fifo), "the daemon removed --pidfile's FIFO"


def test_log_file_fifo_without_reader(tmpdir_short):
    """A --log-file that is a FIFO nobody reads fails the start at once
    instead of blocking it for good."""
    fifo, r = start_on_fifo(tmpdir_short, "--log-file=")
    assert r.returncode == 1
    assert "%s: cannot open log file: No such device or address" % fifo \
        in r.stderr, r.stderr


def test_detach_startup_failure(tmpdir_short):
    blocker = os.path.join(tmpdir_short, "file")
    open(blocker, "w").close()
    r = run("vifguardd", "--detach", "--ovsdb=unix:/nonexistent",
            "--config=/dev/null", "--ctl=" + blocker + "/run/ctl.sock",
            "--listen=punix:" + os.path.join(tmpdir_short, "ofp.sock"))
    assert r.returncode == 1
    assert "%s/run: cannot create directory: Not a directory" % blocker \
        in r.stderr
    assert "the daemon exited during startup" in r.stderr


def test_relative_paths_with_detach(tmpdir_short):
    r = subprocess.run([binary("vifguardd"), "--detach", "--pidfile=rel.pid",
                        "--ctl=rel-ctl.sock", "--log-file=rel.log",
                        "--ovsdb=unix:/nonexistent", "--config=/dev/null",
                        "--listen=punix:rel-ofp.sock"],
                       cwd=tmpdir_short, capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    pidfile = os.path.join(tmpdir_short, "rel.pid")
    with open(pidfile) as f:
        pid = int(f.read())
    try:
        assert ctl(os.path.join(tmpdir_short, "rel-ctl.sock"),
                   "version").returncode == 0
        assert os.path.exists(os.path.join(tmpdir_short, "rel.log"))
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: process_gone(pid), what="daemon to exit")
    assert not os.path.exists(pidfile)


# systemd readiness.

@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
def test_notify_socket(tmpdir_short, abstract):
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = "@vg-test-notify-%d" % os.getpid()
        notify.bind("\0" + name[1:])
    else:
        name = os.path.join(tmpdir_short, "notify.sock")
        notify.bind(name)
    notify.settimeout(TIMEOUT)
    env = dict(os.environ, NOTIFY_SOCKET=name)
    d = Daemon(tmpdir_short, env=env)
    try:
        msg = notify.recv(4096)
        assert msg == b"READY=1"
        # Ready means the control socket answers.
        assert ctl(d.ctl, "version").returncode == 0
        d.proc.send_signal(signal.SIGTERM)
        assert notify.recv(4096) == b"STOPPING=1"
        assert d.proc.wait(TIMEOUT) == 0
    finally:
        assert d.stop() == 0
        notify.close()


# Text rendering of a populated status (the daemon has no engine yet, so a
# fake server answers with canned results).

FAKE_RESULTS = {
    "show": {
        "version": "9.9.9", "uptime": 3725.5, "ovsdb_connected": True,
        "xenstore": {"mode": "auto", "state": "lost",
                     "error": "read /xapi: Broken pipe"},
        "bridges": [
            {"name": "xenbr0", "dpid": "00002a0b3c4d5e6f", "connected": True,
             "fail_mode": "secure", "fail_secure": True, "trusted": 1,
             "guests": {"pending": 1, "protected": 2, "error": 1},
             "foreign_flows_removed": 4},
            {"name": "xenbr1", "dpid": "0000000000000001",
             "connected": False, "fail_mode": "", "fail_secure": False,
             "trusted": 0,
             "guests": {"pending": 0, "protected": 0, "error": 0},
             "foreign_flows_removed": 0},
            {"name": "xenbr2", "dpid": "0000000000000002",
             "connected": True, "fail_mode": "standalone",
             "fail_secure": False, "trusted": 1,
             "guests": {"pending": 0, "protected": 1, "error": 0},
             "foreign_flows_removed": 0}]},
    "vifs": [
        {"bridge": "xenbr0", "name": "vif1.0", "ofport": 5,
         "mac": "02:00:00:00:00:01", "mode": "locked",
         "ipv4": ["10.0.0.1", "10.0.1.0/24"], "ipv6": ["2001:db8::1"],
         "state": "protected", "reason": None, "source": "xapi",
         "policy_source": "xapi",
         "conflict": "ovsdb also present and ignored: mode unlocked"},
        {"bridge": "xenbr0", "name": "vif22.0", "ofport": 6, "mac": None,
         "mode": "locked", "ipv4": [], "ipv6": [], "state": "error",
         "reason": "attached-mac: missing", "source": "ovsdb",
         "policy_source": "ovsdb", "conflict": None}],
    "stats": {
        "uptime": 12.25, "ovsdb_connected": False, "ovsdb_updates": 3,
        "ofp_connections": 2, "flow_mods_sent": 1234,
        "bundles_committed": 5, "bundles_failed": 1, "ofp_errors": 7,
        "foreign_flows_removed": 4, "mac_entries_removed": 3,
        "mac_table_flushes": 1, "loop_iterations": 99,
        "plug_latency": {"count": 100, "sum": 1.0, "max": 0.0015,
                         "buckets": [0] * 9 + [50, 49, 1] + [0] * 12},
        "commit_latency": {"count": 5, "sum": 0.035, "max": 0.0075,
                           "buckets": [0] * 12 + [5] + [0] * 11},
        "log": {"errors": 2, "warnings": 3}},
}


@pytest.fixture
def fake_daemon(tmpdir_short):
    path = os.path.join(tmpdir_short, "fake.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                c, _ = server.accept()
            except socket.timeout:
                continue
            with c:
                c.settimeout(TIMEOUT)
                req = json.loads(read_line(c))
                result = FAKE_RESULTS[req["command"]]
                c.sendall(json.dumps({"ok": True, "result": result})
                          .encode() + b"\n")

    t = threading.Thread(target=serve)
    t.start()
    yield path
    stop.set()
    t.join()
    server.close()


def test_ctl_text_rendering(fake_daemon):
    r = ctl(fake_daemon, "show")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "vifguardd 9.9.9: up 1h02m05s, OVSDB connected\n"
        "xenstore: lost (xenstore = auto): read /xapi: Broken pipe\n"
        "bridge xenbr0 (dpid 00002a0b3c4d5e6f): connected, fail_mode secure\n"
        "  guests: 2 protected, 1 pending, 1 error; 1 trusted ports\n"
        "  foreign flows removed: 4\n"
        "bridge xenbr1 (dpid 0000000000000001): disconnected, fail_mode "
        "(unset)\n"
        "  WARNING: not attached: guests are NOT protected (vifguard-attach "
        "attach xenbr1)\n"
        "  guests: 0 protected, 0 pending, 0 error; 0 trusted ports\n"
        "bridge xenbr2 (dpid 0000000000000002): connected, fail_mode "
        "standalone\n"
        "  WARNING: fail_mode is not secure: guests are unprotected while "
        "vifguardd is down (vifguard-attach attach xenbr2)\n"
        "  guests: 1 protected, 0 pending, 0 error; 1 trusted ports\n")

    r = ctl(fake_daemon, "vifs")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "BRIDGE  NAME     OFPORT  MAC                MODE    IPV4            "
        "      IPV6         SOURCE  STATE      REASON",
        "xenbr0  vif1.0   5       02:00:00:00:00:01  locked  10.0.0.1,10.0.1."
        "0/24  2001:db8::1  xapi    protected  -",
        "xenbr0  vif22.0  6       -                  locked  -               "
        "      -            ovsdb   error      attached-mac: missing",
        "CONFLICT xenbr0 vif1.0: xapi policy applies; ovsdb also present and "
        "ignored: mode unlocked",
    ]

    r = ctl(fake_daemon, "stats")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "uptime:               12.2s\n"
        "ovsdb:                NOT connected, 3 updates\n"
        "openflow connections: 2\n"
        "flow mods sent:       1234\n"
        "bundles:              5 committed, 1 failed\n"
        "openflow errors:      7\n"
        "foreign flows:        4 removed\n"
        "MAC table cleanup:    3 entries removed, 1 flushes\n"
        "plug latency:         p50 <= 1.02 ms, p99 <= 1.50 ms, max 1.50 ms "
        "(100 plugs)\n"
        "NO_FLOOD window:      no ports yet\n"
        "switch commit:        p50 <= 7.50 ms, p99 <= 7.50 ms, max 7.50 ms "
        "(5 bundles)\n"
        "log:                  2 errors, 3 warnings\n"
        "loop iterations:      99\n")

    r = ctl(fake_daemon, "--format=json", "vifs")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == FAKE_RESULTS["vifs"]


def test_held_closed_warnings_are_rate_limited(ovs_dummy, build_dirs):
    """Whoever writes a guest's policy (a tenant through its cloud's API,
    a guest through a xenstore node it may write) can change it as fast as
    the database takes it: each new bad value must not cost a log line.
    The port's reason stays current in vifguard-ctl vifs."""
    sb, n = ovs_dummy, 60
    br = sb.add_bridge()
    sb.vsctl("add-port", br, "vif1.0", "--", "set", "interface", "vif1.0",
             "type=dummy", 'external_ids:attached-mac="02:00:00:00:01:01"')
    vg = VifguardDaemon(sb, build_dirs["plain"]).start()
    try:
        for i in range(n):
            sb.vsctl("set", "interface", "vif1.0",
                     'external_ids:vifguard-ipv4="bad%d"' % i)
            deadline = time.monotonic() + 30
            while '"bad%d"' % i not in (vg.vifs().get("vif1.0", {})
                                        .get("reason") or ""):
                assert time.monotonic() < deadline, vg.vifs()
                time.sleep(0.01)
        assert vg.vifs()["vif1.0"]["state"] == "error"
    finally:
        assert vg.stop() == 0
    closed = [l for l in vg.log_lines("WARN") if "held closed" in l]
    assert 'port vif1.0 held closed: vifguard-ipv4: "bad0"' in closed[0]
    assert 0 < len(closed) < n / 2, closed


def test_listener_outside_ovs_rundir_is_flagged(tmpdir_short):
    """ovs-vswitchd connects to a unix: controller only in its run directory
    (the OVSDB socket's): a punix: listener elsewhere gets a warning that
    names the right place; one in that directory (as shipped) gets none."""
    rundir = os.path.join(tmpdir_short, "ovs")
    os.mkdir(rundir)
    db = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    db.bind(os.path.join(rundir, "db.sock"))  # Exists; refuses connections.
    try:
        for where, warned in ((tmpdir_short, True), (rundir, False)):
            log = os.path.join(tmpdir_short, "vifguardd.log")
            ctl_sock = os.path.join(tmpdir_short, "ctl.sock")
            p = subprocess.Popen(
                [binary("vifguardd"), "--config=/dev/null",
                 "--ovsdb=unix:" + os.path.join(rundir, "db.sock"),
                 "--listen=punix:" + os.path.join(where, "of.sock"),
                 "--ctl=" + ctl_sock, "--log-file=" + log],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + TIMEOUT
                while ctl(ctl_sock, "version").returncode != 0:
                    assert p.poll() is None and time.monotonic() < deadline
                    time.sleep(0.05)
            finally:
                p.send_signal(signal.SIGTERM)
                assert p.wait(TIMEOUT) == 0
            with open(log) as f:
                text = f.read()
            os.unlink(log)
            line = "|main|WARN|listen punix:%s/of.sock: not in %s, Open " \
                "vSwitch's run directory" % (where, os.path.realpath(rundir))
            assert (line in text) == warned, text
            if warned:
                assert "use punix:%s/vifguard.ofp.sock" \
                    % os.path.realpath(rundir) in text
    finally:
        db.close()
