"""Runs a real vifguardd against an OvsSandbox, for integration tests.

VifguardDaemon starts the built vifguardd with its sockets and log in the
sandbox directory, attaches bridges to it the way an operator does
(set-controller + fail_mode=secure), and wraps vifguard-ctl.  Nothing here
looks inside the daemon: everything goes through its real interfaces.
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import time

# Daemon log lines that are expected in tests and not a problem.
BENIGN_LOG = [
    r"disconnected; installed protection stays in place",
    r"closing: peer closed",
]


class VifguardError(Exception):
    pass


class VifguardDaemon:
    def __init__(self, sandbox, build_dir, name="vifguardd", args=(),
                 switch_netns=False):
        """'switch_netns': run in ovs-vswitchd's network namespace (for
        ptcp: listeners, which the switch must reach)."""
        self.sb = sandbox
        self.switch_netns = switch_netns
        self.build_dir = build_dir
        self.name = name
        d = sandbox.dir
        self.ofp_sock = os.path.join(d, name + "-ofp.sock")
        self.ctl_sock = os.path.join(d, name + "-ctl.sock")
        self.log = os.path.join(d, name + ".log")
        # stderr: what does not go through the log (sanitizer reports).
        self.stderr = os.path.join(d, name + ".stderr")
        self.args = list(args)
        self.proc = None

    def binary(self, prog):
        path = os.path.join(self.build_dir, prog)
        if not os.access(path, os.X_OK):
            raise VifguardError("%s not built (run scripts/run-tests.sh)"
                                % path)
        return path

    # Lifecycle.

    def start(self, timeout=10):
        # Listeners of our own in 'args' replace the default one (whose
        # target attach() sets).
        listen = [] if any(a.startswith("--listen=") for a in self.args) \
            else ["--listen=punix:" + self.ofp_sock]
        cmd = [self.binary("vifguardd"), "--ovsdb=" + self.sb.db] + listen + [
               "--ctl=" + self.ctl_sock,
               "--log-file=" + self.log,
               "--config=/dev/null"] + self.args
        if self.switch_netns:
            # "ip netns exec" execs vifguardd: self.proc stays its pid.
            cmd = ["ip", "netns", "exec", self.sb.netns] + cmd
        debug = os.environ.get("VG_DEBUG", "")
        if debug == "1":
            cmd.append("-v")  # Debug logs of every subsystem.
        elif debug:
            # VG_DEBUG=engine,noflood: debug logs of those subsystems.
            cmd += ["-v" + name for name in debug.split(",")]
        with open(self.stderr, "a") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise VifguardError("vifguardd exited with %d:\n%s"
                                    % (self.proc.returncode, self.log_tail()))
            if os.path.exists(self.ctl_sock):
                r = self.ctl_run("version")
                if r.returncode == 0:
                    return self
            if time.monotonic() > deadline:
                raise VifguardError("vifguardd did not start:\n"
                                    + self.log_tail())
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise VifguardError("vifguardd ignored signal %d" % sig)
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)

    @contextlib.contextmanager
    def protecting(self, bridge, ports, allow=lambda: ()):
        """Starts the daemon, attaches 'bridge' and waits for 'ports' to be
        protected; on leaving, stops it and fails if it did not exit 0 or
        logged an ERR or WARN that no pattern of allow() covers (allow() is
        called then, so that a test may add patterns)."""
        try:
            self.start()
            self.attach(bridge)
            self.wait_state(ports)
            yield self
            problems = self.log_problems(allow())
        finally:
            rc = self.stop()
        assert rc == 0, "vifguardd exited with %s:\n%s" % (rc, self.log_tail())
        assert not problems, "unexpected ERR/WARN in vifguardd log:\n" + \
            "\n".join(problems)

    def attach(self, bridge):
        """Puts 'bridge' under vifguard's protection."""
        self.sb.vsctl("set-controller", bridge, "unix:" + self.ofp_sock,
                      "--", "set", "bridge", bridge, "fail_mode=secure")

    # vifguard-ctl.

    def ctl_run(self, *args, timeout=30):
        return subprocess.run([self.binary("vifguard-ctl"),
                               "--ctl=" + self.ctl_sock] + list(args),
                              capture_output=True, text=True,
                              timeout=timeout)

    def ctl(self, *args):
        r = self.ctl_run("--format=json", *args)
        if r.returncode != 0:
            raise VifguardError("vifguard-ctl %s failed: %s"
                                % (" ".join(args), r.stderr))
        return json.loads(r.stdout)

    def vifs(self):
        """{port name: vif entry} from vifguard-ctl vifs."""
        out = self.ctl("vifs")
        if isinstance(out, dict):
            out = out.get("vifs", [])
        return {v["name"]: v for v in out}

    def stats(self):
        return self.ctl("stats")

    def wait_state(self, names, state="protected", timeout=15):
        """Waits until every port in 'names' is in 'state'; returns the
        vifs.  For "protected" this is `vifguard-ctl wait`, which also
        fails at once for a port in error: that is retried until the
        deadline, since a test may wait for a port it is fixing."""
        deadline = time.monotonic() + timeout
        while True:
            if state == "protected":
                left = max(deadline - time.monotonic(), 0.1)
                r = self.ctl_run("--timeout=%.3f" % left, "wait", *names,
                                 timeout=left + 10)
                if r.returncode == 0:
                    return self.vifs()
                if "held closed" not in r.stderr:
                    raise VifguardError(
                        "vifguard-ctl wait %s: %s\n%s"
                        % (" ".join(names), r.stderr, self.log_tail()))
            else:
                vifs = self.vifs()
                if all(n in vifs and vifs[n]["state"] == state
                       for n in names):
                    return vifs
            if time.monotonic() > deadline:
                vifs = self.vifs()
                raise VifguardError(
                    "ports not %s after %ss: %s\n%s" % (
                        state, timeout,
                        {n: vifs.get(n, {}).get("state") for n in names},
                        self.log_tail()))
            time.sleep(0.05)

    def wait_gone(self, names, timeout=15):
        deadline = time.monotonic() + timeout
        while any(n in self.vifs() for n in names):
            if time.monotonic() > deadline:
                raise VifguardError("ports still listed: %s" % names)
            time.sleep(0.05)

    # Logs.

    def log_tail(self, lines=60):
        """The last lines of the log, then of stderr if it has any."""
        try:
            with open(self.log, errors="replace") as f:
                text = "".join(f.readlines()[-lines:])
        except OSError as e:
            text = "(no log: %s)\n" % e
        try:
            with open(self.stderr, errors="replace") as f:
                err = f.readlines()[-lines:]
        except OSError:
            err = []
        if err:
            text += "--- stderr ---\n" + "".join(err)
        return text

    def log_lines(self, level):
        try:
            with open(self.log, errors="replace") as f:
                return [l.rstrip() for l in f if "|%s|" % level in l]
        except OSError:
            return []

    def log_problems(self, allow=()):
        pats = [re.compile(p) for p in BENIGN_LOG + list(allow)]
        return [l for lvl in ("ERR", "WARN") for l in self.log_lines(lvl)
                if not any(p.search(l) for p in pats)]
