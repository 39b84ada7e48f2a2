"""Issue 6 packaging: the deb and the rpm, built, inspected, and the deb
installed, run and removed.

Both packages are built the way a release is: "make dist" in a fresh VPATH
build of the source tree, then dpkg-buildpackage in the unpacked tarball
and "rpmbuild -tb --nodeps" on the tarball itself (Debian's rpm has no rpm
build dependencies to check), all in a temporary directory.  The packages
are inspected from the outside (dpkg-deb, rpm -qp): file lists, control
fields, maintainer scripts and scriptlets.

Then the deb is installed for real, on this machine, and the service is
run the way systemd would run it.  systemd is not PID 1 here (a container),
so the test reads ExecStart from the installed unit and runs that command
line itself, in the foreground, with NOTIFY_SOCKET pointing at a datagram
socket of its own: READY=1 arriving there is the Type=notify readiness.
The installed configuration file is rewritten to point the daemon at a
private Open vSwitch (tests/ovs_sandbox.py), the installed vifguard-attach
attaches one of its bridges, and the installed vifguard-ctl must report the
guest port protected while the bridge holds vifguard's flows.  Finally
"dpkg --purge" (with the daemon still running) must leave the bridge as it
was before: no controller, its fail_mode, no vifguard flow, OVS's default
NORMAL flow back, and no file of the package left.  Finalizers purge the
package and stop the daemon whatever happens.
"""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tarfile
import time

import pytest

PKG = "vifguard"
COOKIE_MASK = "cookie=0x7667000000000000/0xffff000000000000"
JOBS = os.environ.get("JOBS", "2")

# What both packages must install (Debian paths; the rpm has its unit in
# /usr/lib/systemd/system).
BINARIES = ["/usr/sbin/vifguardd", "/usr/bin/vifguard-ctl",
            "/usr/sbin/vifguard-attach"]
COMMON_FILES = BINARIES + [
    "/etc/vifguard/vifguard.conf",
    "/usr/share/bash-completion/completions/vifguard-ctl",
    "/usr/share/bash-completion/completions/vifguard-attach",
]
MAN_PAGES = ["vifguardd.8", "vifguard-ctl.8", "vifguard-attach.8"]
DEB_UNIT = "/lib/systemd/system/vifguardd.service"
RPM_UNIT = "/usr/lib/systemd/system/vifguardd.service"


def run(args, cwd=None, env=None, timeout=600, check=True):
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        pytest.fail("%s: exit %d\n--- stdout (tail)\n%s\n--- stderr (tail)"
                    "\n%s" % (" ".join(args), p.returncode, p.stdout[-4000:],
                              p.stderr[-4000:]), pytrace=False)
    return p


def need_tools(*tools):
    for t in tools:
        if shutil.which(t) is None:
            pytest.fail("%s not found: run scripts/install-deps.sh" % t,
                        pytrace=False)


def need_root():
    if os.geteuid() != 0:
        pytest.fail("this test installs a package: run sudo "
                    "scripts/run-tests.sh", pytrace=False)


@pytest.fixture(scope="module")
def packages(tmp_path_factory, build_dirs):
    """Builds the release tarball, the deb and the rpm once for the module.
    Returns a dict: version, tarball, tree (unpacked tarball), deb, rpm."""
    need_tools("dpkg-buildpackage", "dh", "rpmbuild", "dpkg-deb", "rpm")
    srcdir = build_dirs["srcdir"]
    work = tmp_path_factory.mktemp("packaging")
    with open(os.path.join(srcdir, "VERSION")) as f:
        version = f.read().strip()

    # A release tarball from a fresh VPATH build (no compilation needed).
    build = work / "build"
    build.mkdir()
    run([os.path.join(srcdir, "configure"), "--quiet"], cwd=build)
    run(["make", "dist"], cwd=build)
    tarball = build / ("%s-%s.tar.gz" % (PKG, version))
    assert tarball.exists(), "make dist made no %s" % tarball.name

    # The deb, in the unpacked tarball.
    debdir = work / "deb"
    debdir.mkdir()
    with tarfile.open(tarball) as t:
        t.extractall(debdir)
    tree = debdir / ("%s-%s" % (PKG, version))
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=%s" % JOBS)
    env.pop("MAKEFLAGS", None)
    run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=tree, env=env)
    debs = [p for p in debdir.iterdir()
            if re.fullmatch(r"%s_[^_]+_\w+\.deb" % PKG, p.name)]
    assert len(debs) == 1, list(debdir.iterdir())

    # The rpm, straight from the tarball (-t: the spec inside it).
    top = work / "rpmbuild"
    run(["rpmbuild", "-tb", "--nodeps", "--define", "_topdir %s" % top,
         str(tarball)], env=dict(os.environ, MAKEFLAGS="-j" + JOBS))
    rpms = [p for p in (top / "RPMS").rglob("*.rpm")
            if not p.name.startswith(PKG + "-debuginfo")]
    assert len(rpms) == 1, rpms
    return {"version": version, "tarball": tarball, "tree": tree,
            "deb": str(debs[0]), "rpm": str(rpms[0]), "work": work}


# Inspection.

def test_version_comes_from_one_place(packages):
    v = packages["version"]
    tree = packages["tree"]
    deb_version = run(["dpkg-parsechangelog", "-l",
                       str(tree / "debian" / "changelog"), "-S", "Version"])
    assert deb_version.stdout.strip() == v, \
        "debian/changelog's version differs from VERSION: add an entry"
    assert run(["dpkg-deb", "-f", packages["deb"], "Version"]).stdout \
        .strip() == v
    q = run(["rpm", "-qp", "--qf", "%{VERSION}", packages["rpm"]])
    assert q.stdout == v
    spec = (tree / "rpm" / "vifguard.spec").read_text()
    assert re.search(r"^Version:\s+%s$" % re.escape(v), spec, re.M)
    assert "@VERSION@" not in spec


def test_deb_contents(packages):
    deb = packages["deb"]
    listing = run(["dpkg-deb", "-c", deb]).stdout
    files = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
    for path in COMMON_FILES + [DEB_UNIT]:
        assert path in files, "%s missing from the deb" % path
    for page in MAN_PAGES:
        assert "/usr/share/man/man8/%s.gz" % page in files
    # Executables are executable.
    for line in listing.splitlines():
        if line.split()[-1].lstrip(".") in BINARIES:
            assert line.startswith("-rwxr-xr-x"), line

    depends = run(["dpkg-deb", "-f", deb, "Depends"]).stdout
    for dep in ("openvswitch-switch", "libjson-c5", "libev4"):
        assert re.search(r"(^|, )%s\b" % dep, depends), depends

    ctrl = packages["work"] / "deb-control"
    run(["dpkg-deb", "-e", deb, str(ctrl)])
    assert (ctrl / "conffiles").read_text().split() == \
        ["/etc/vifguard/vifguard.conf"]
    scripts = {}
    for name in ("postinst", "prerm", "postrm"):
        path = ctrl / name
        assert path.exists(), "no %s in the deb" % name
        assert os.access(path, os.X_OK)
        run(["sh", "-n", str(path)])
        scripts[name] = path.read_text()
    # postinst enables the unit (debhelper) but attaches nothing.
    assert "deb-systemd-helper enable 'vifguardd.service'" in \
        scripts["postinst"]
    assert "vifguard-attach" not in scripts["postinst"]
    # prerm stops the service, then detaches every bridge on removal only.
    prerm = scripts["prerm"]
    assert prerm.count("deb-systemd-invoke stop 'vifguardd.service'") == 1
    assert "#DEBHELPER#" not in prerm
    stop = prerm.index("deb-systemd-invoke stop")
    detach = prerm.index("/usr/sbin/vifguard-attach --timeout=20 --force "
                         "detach --all")
    assert stop < detach
    assert re.search(r"^remove\)\n(.*\n)*?.*detach --all", prerm, re.M)
    # A failed detach tells how to find and restore what is left attached.
    assert "ovs-vsctl del-controller BRIDGE" in prerm
    # An upgrade restarts the daemon once (no stop in prerm, restart in
    # postinst): installed flows stay, the new daemon sends no flow mod.
    assert re.search(r'^\s*_dh_action=restart$', scripts["postinst"], re.M)
    assert re.search(r'"\$1" = remove \]', prerm[:stop]), prerm
    # The generic configuration file: attach-bridges is off on Debian.
    tree = packages["work"] / "deb-tree"
    run(["dpkg-deb", "-x", deb, str(tree)])
    conf = (tree / "etc/vifguard/vifguard.conf").read_text()
    assert re.search(r"^#attach-bridges = xenbr\*,xapi\*$", conf, re.M)
    assert not re.search(r"^attach-bridges", conf, re.M)
    # postrm purges the enablement state.
    assert "deb-systemd-helper purge 'vifguardd.service'" in \
        scripts["postrm"]


def rpm_script(rpm, tag):
    return run(["rpm", "-qp", "--qf", "%%{%s}" % tag, rpm]).stdout


def rpm_file(rpm, path):
    """The contents of 'path' in package 'rpm' (rpm2cpio's "newc" cpio
    archive, read here: cpio itself is not needed)."""
    data = subprocess.run(["rpm2cpio", rpm], capture_output=True,
                          check=True).stdout
    pos = 0
    while data[pos:pos + 6] == b"070701":
        namesize = int(data[pos + 94:pos + 102], 16)
        filesize = int(data[pos + 54:pos + 62], 16)
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        start = (pos + 110 + namesize + 3) & ~3
        if name.lstrip(".") == path:
            return data[start:start + filesize].decode()
        pos = (start + filesize + 3) & ~3
    raise AssertionError("%s not in %s" % (path, rpm))


def test_rpm_contents(packages):
    rpm = packages["rpm"]
    files = set(run(["rpm", "-qlp", rpm]).stdout.split())
    for path in COMMON_FILES + [RPM_UNIT]:
        assert path in files, "%s missing from the rpm" % path
    for page in MAN_PAGES:
        assert any(re.fullmatch(r"/usr/share/man/man8/%s(\.gz)?"
                                % re.escape(page), f) for f in files), page
    configs = run(["rpm", "-qp", "--configfiles", rpm]).stdout.split()
    assert configs == ["/etc/vifguard/vifguard.conf"]
    # %config(noreplace): the file flags carry "noreplace" (0x10).
    flags = run(["rpm", "-qp", "--qf",
                 "[%{FILENAMES} %{FILEFLAGS}\\n]", rpm]).stdout
    conf_flags = int(re.search(r"^/etc/vifguard/vifguard.conf (\d+)$",
                               flags, re.M).group(1))
    assert conf_flags & 0x1 and conf_flags & 0x10, conf_flags
    # XenServer: the daemon keeps xapi's bridges attached.
    conf = rpm_file(rpm, "/etc/vifguard/vifguard.conf")
    assert re.search(r"^attach-bridges = xenbr\*,xapi\*$", conf, re.M)
    requires = run(["rpm", "-qp", "--requires", rpm]).stdout.split("\n")
    assert "openvswitch" in requires

    post = rpm_script(rpm, "POSTIN")
    preun = rpm_script(rpm, "PREUN")
    postun = rpm_script(rpm, "POSTUN")
    for name, body in (("post", post), ("preun", preun),
                       ("postun", postun)):
        assert body and body != "(none)", "no %%%s scriptlet" % name
        p = subprocess.run(["sh", "-n"], input=body, text=True,
                           capture_output=True)
        assert p.returncode == 0, (name, p.stderr)
        assert "%systemd" not in body
    assert "systemctl enable vifguardd.service" in post
    code = [l for l in post.splitlines() if not l.strip().startswith("#")]
    assert not [l for l in code if "vifguard-attach" in l]
    # On erase ($1 == 0): stop, then give the bridges back.
    assert '"$1" -eq 0' in preun
    # The same detach as the deb's prerm, with the same advice on failure.
    assert preun.index("systemctl stop vifguardd.service") < \
        preun.index("/usr/sbin/vifguard-attach --timeout=20 --force detach "
                    "--all")
    assert "ovs-vsctl del-controller BRIDGE" in preun
    assert "try-restart" in postun
    # Every systemctl call is allowed to fail (no systemd in a chroot).
    for body in (post, preun, postun):
        for line in body.splitlines():
            if "systemctl " in line:
                assert line.rstrip().endswith("|| :"), line


def test_unit_file(packages):
    """The unit's contents, from the deb's payload."""
    payload = packages["work"] / "deb-payload"
    run(["dpkg-deb", "-x", packages["deb"], str(payload)])
    unit = (payload / DEB_UNIT.lstrip("/")).read_text()
    settings = {}
    for line in unit.splitlines():
        m = re.match(r"^(\w+)=(.*)$", line)
        if m:
            settings.setdefault(m.group(1), []).append(m.group(2))
    assert settings["Type"] == ["notify"]
    assert settings["ExecStart"] == [
        "/usr/sbin/vifguardd --config=/etc/vifguard/vifguard.conf"]
    assert settings["Restart"] == ["on-failure"]
    # Exit status 2 (a bad configuration, vifguardd(8)) is not retried.
    assert settings["RestartPreventExitStatus"] == ["2"]
    assert settings["RuntimeDirectory"] == ["vifguard"]
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["NoNewPrivileges"] == ["yes"]
    assert settings["ProtectHome"] == ["yes"]
    assert settings["PrivateTmp"] == ["yes"]
    rw = " ".join(settings["ReadWritePaths"]).split()
    for path in ("/run/openvswitch", "/run/vifguard", "/var/log"):
        assert path in rw or "-" + path in rw, rw
    assert "PrivateNetwork" not in settings
    assert "PrivateDevices" not in settings  # /dev/xen/xenbus on XenServer
    # XenServer's systemd 219 knows no syscall groups: only a deny list
    # degrades safely there (see the unit).
    assert all(f.startswith("~") for f in settings["SystemCallFilter"])
    caps = settings["CapabilityBoundingSet"][0].split()
    assert caps and not {"CAP_SYS_ADMIN", "CAP_NET_ADMIN"} & set(caps)
    after = " ".join(settings["After"]).split()
    for unit_name in ("openvswitch-switch.service", "ovsdb-server.service",
                      "openvswitch.service"):
        assert unit_name in after
    assert not re.search(r"@[a-z]+@", unit), "unsubstituted placeholder"


# The installed package.

def dpkg_status():
    p = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", PKG],
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "not-installed"


@pytest.fixture
def installed(packages, ovs, request):
    """Installs the deb; the finalizer purges it (and a temporary
    policy-rc.d keeps dpkg from starting services meanwhile).  Depends on
    'ovs' so that the sandbox outlives the purge, whose prerm detaches the
    sandbox's bridges."""
    need_root()
    need_tools("dpkg", "dpkg-query")
    if dpkg_status() not in ("not-installed", "config-files"):
        pytest.fail("the %s package is installed on this machine; this test "
                    "installs and purges it: remove it first (dpkg --purge "
                    "%s)" % (PKG, PKG), pytrace=False)
    if os.path.exists("/etc/vifguard") and dpkg_status() == "not-installed":
        pytest.fail("/etc/vifguard exists but is not the package's: this "
                    "test would remove it", pytrace=False)
    policy = "/usr/sbin/policy-rc.d"
    made_policy = False
    if not os.path.exists(policy):
        with open(policy, "w") as f:
            f.write("#!/bin/sh\n# Temporary: tests/test_packaging.py\n"
                    "exit 101\n")
        os.chmod(policy, 0o755)
        made_policy = True

    def cleanup():
        try:
            if dpkg_status() != "not-installed":
                subprocess.run(["dpkg", "--purge", PKG], capture_output=True,
                               timeout=120)
        finally:
            if made_policy:
                os.unlink(policy)
    request.addfinalizer(cleanup)
    run(["dpkg", "-i", packages["deb"]], timeout=120)
    assert dpkg_status() == "installed"
    return packages


class NotifySocket:
    """The datagram socket systemd would give a Type=notify service."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.messages = []

    def wait_for(self, state, proc, timeout=15):
        deadline = time.monotonic() + timeout
        while not any(state in m.split("\n") for m in self.messages):
            if proc.poll() is not None:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(min(left, 0.2))
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except socket.timeout:
                pass
        return True

    def drain(self):
        """Reads the messages already queued."""
        self.sock.setblocking(False)
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return

    def close(self):
        self.sock.close()
        os.unlink(self.path)


def exec_start(unit_path):
    """ExecStart of the unit as argv (systemd's prefixes removed)."""
    with open(unit_path) as f:
        lines = [l for l in f.read().splitlines()
                 if l.startswith("ExecStart=")]
    assert len(lines) == 1, lines
    argv = shlex.split(lines[0][len("ExecStart="):])
    argv[0] = argv[0].lstrip("-@:+!")
    return argv


def start_daemon(argv, notify, stderr_path):
    """Starts 'argv' in the foreground as systemd would, with
    NOTIFY_SOCKET set to 'notify' and its output in 'stderr_path'."""
    with open(stderr_path, "w") as err:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
            env=dict(os.environ, NOTIFY_SOCKET=notify.path))


def stop_daemon(proc):
    """SIGTERM (as "systemctl stop"), then SIGKILL after 10 s; returns the
    exit status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def read_file(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError as e:
        return "(%s)" % e


def test_installed_service_protects_and_purge_restores(installed, ovs):
    sb = ovs
    version = installed["version"]
    for path in COMMON_FILES + [DEB_UNIT]:
        assert os.path.exists(path), path
    enabled = "/etc/systemd/system/multi-user.target.wants/vifguardd.service"
    assert os.path.islink(enabled), "postinst did not enable the unit"

    # The unit as systemd would check it (no PID 1 needed), including its
    # Documentation= man pages.
    need_tools("systemd-analyze")
    p = run(["systemd-analyze", "verify", DEB_UNIT], check=False)
    problems = [l for l in (p.stdout + p.stderr).splitlines()
                if "vifguardd" in l]
    assert p.returncode == 0 and not problems, p.stdout + p.stderr

    # The shipped configuration file is valid and is the daemon's default:
    # the installed daemon starts with it (only its sockets moved into the
    # sandbox from the command line).
    with open("/etc/vifguard/vifguard.conf") as f:
        shipped = f.read()
    assert re.search(r"^listen = punix:/var/run/openvswitch/", shipped,
                     re.M), "ovs-vswitchd connects only inside its rundir"
    notify = NotifySocket(os.path.join(sb.dir, "notify0.sock"))
    err0 = os.path.join(sb.dir, "vifguardd-shipped.stderr")
    proc = start_daemon(
        ["/usr/sbin/vifguardd", "--ovsdb=" + sb.db,
         "--listen=punix:" + os.path.join(sb.dir, "shipped.ofp.sock"),
         "--ctl=" + os.path.join(sb.dir, "shipped.ctl.sock")], notify, err0)
    try:
        ready = notify.wait_for("READY=1", proc)
    finally:
        rc = stop_daemon(proc)
        notify.close()
    assert ready and rc == 0, "exit %s\n%s" % (rc, read_file(err0))

    # The installed daemon, pointed at the sandbox by the installed
    # configuration file (the conffile; dpkg --purge removes it).
    # attach-bridges names the test's bridge: the installed daemon attaches
    # it with the installed script (its built-in attach-command).
    ofp_sock = os.path.join(sb.dir, "vifguard.ofp.sock")
    ctl_sock = os.path.join(sb.dir, "vifguard-ctl.sock")
    log_file = os.path.join(sb.dir, "vifguardd.log")
    br = sb.add_bridge(protocols=None)
    with open("/etc/vifguard/vifguard.conf", "w") as f:
        f.write("# Written by tests/test_packaging.py\n"
                "ovsdb = %s\nlisten = punix:%s\nctl = %s\nlog-file = %s\n"
                "attach-bridges = %s\n"
                % (sb.db, ofp_sock, ctl_sock, log_file, br))

    argv = exec_start(DEB_UNIT)
    assert argv[0] == "/usr/sbin/vifguardd"
    assert "--config=/etc/vifguard/vifguard.conf" in argv[1:]

    guest = sb.add_netns(br, "g1", "02:00:00:00:06:01", ["10.6.0.1/24"])
    sb.vsctl("set", "interface", guest.port,
             'external_ids:attached-mac="02:00:00:00:06:01"',
             'external_ids:vifguard-ipv4="10.6.0.1"')
    assert sb.vsctl("get-controller", br).strip() == ""
    assert sb.vsctl("get-fail-mode", br).strip() == ""
    assert "actions=NORMAL" in sb.ofctl("dump-flows", br)

    notify = NotifySocket(os.path.join(sb.dir, "notify.sock"))
    stderr_path = os.path.join(sb.dir, "vifguardd.stderr")
    proc = start_daemon(argv, notify, stderr_path)

    def daemon_output():
        return "\n".join("--- %s\n%s" % (path, read_file(path)[-6000:])
                         for path in (stderr_path, log_file))

    try:
        assert notify.wait_for("READY=1", proc), (
            "no READY=1 on NOTIFY_SOCKET (exit %s)\n%s"
            % (proc.poll(), daemon_output()))

        # The daemon attaches the bridge by running the installed
        # vifguard-attach; its output is in the daemon's log.
        deadline = time.monotonic() + 30
        while sb.vsctl("get-fail-mode", br).strip() != "secure":
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("%s not attached by the daemon\n%s"
                            % (br, daemon_output()), pytrace=False)
            time.sleep(0.1)
        assert sb.vsctl("get-controller", br).strip() == "unix:" + ofp_sock
        assert "%s: vifguard-attach: %s: attached to unix:%s" \
            % (br, br, ofp_sock) in read_file(log_file)
        # By hand, the installed script (following the config file as the
        # package's prerm will) finds nothing to do, and refuses to detach
        # a bridge that the daemon keeps attached.
        p = run(["/usr/sbin/vifguard-attach", "--db=" + sb.db, "attach",
                 br], check=False, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr + daemon_output()
        assert "%s: already attached to unix:%s" % (br, ofp_sock) \
            in p.stdout
        p = run(["/usr/sbin/vifguard-attach", "--db=" + sb.db, "detach",
                 br], check=False, timeout=120)
        assert p.returncode == 1 and "matches attach-bridges" in p.stderr

        ctl = ["/usr/bin/vifguard-ctl", "--ctl=" + ctl_sock]
        assert run(ctl + ["version"]).stdout.strip().endswith(version)
        deadline = time.monotonic() + 30
        state = None
        while True:
            r = run(ctl + ["--format=json", "vifs"], check=False)
            if r.returncode == 0:
                vifs = json.loads(r.stdout)
                if isinstance(vifs, dict):
                    vifs = vifs.get("vifs", [])
                state = {v["name"]: v["state"] for v in vifs}.get(guest.port)
                if state == "protected":
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("guest port %s not protected (state %s)\n%s"
                            % (guest.port, state, daemon_output()),
                            pytrace=False)
            time.sleep(0.1)
        vg_flows = sb.ofctl("dump-flows", br, COOKIE_MASK)
        assert "cookie=0x7667" in vg_flows
        assert "in_port=%d" % guest.ofport in vg_flows
        status = run(["/usr/sbin/vifguard-attach", "--db=" + sb.db,
                      "status", br]).stdout
        assert status.splitlines()[1].split()[2:5] == \
            ["attached", "secure", "yes"], status

        # Uninstall.  On a systemd host the prerm stops the service first
        # (deb-systemd-invoke, a no-op here without systemd as PID 1): stop
        # the daemon as systemd would, then let prerm detach the bridge.
        stop_daemon(proc)
        p = run(["dpkg", "--purge", PKG], timeout=180)
        assert "%s: detached (restored controller: none, fail_mode: unset)"\
            % br in p.stdout + p.stderr, p.stdout + p.stderr
        assert dpkg_status() == "not-installed"

        assert sb.vsctl("get-controller", br).strip() == ""
        assert sb.vsctl("get-fail-mode", br).strip() == ""
        ids = sb.vsctl("get", "bridge", br, "external_ids")
        assert "vifguard" not in ids, ids
        assert sb.ofctl("dump-flows", br, COOKIE_MASK).count("cookie=") == 0
        flows = sb.ofctl("dump-flows", br)
        assert "cookie=0x7667" not in flows
        assert "priority=0 actions=NORMAL" in flows, flows
        for path in COMMON_FILES + [DEB_UNIT, enabled, "/etc/vifguard"] + \
                ["/usr/share/man/man8/%s.gz" % m for m in MAN_PAGES]:
            assert not os.path.lexists(path), "%s left behind" % path
    finally:
        stop_daemon(proc)
        notify.drain()
        notify.close()

    # A clean shutdown, announced to the service manager.
    assert proc.returncode == 0, daemon_output()
    assert any("STOPPING=1" in m.split("\n") for m in notify.messages), \
        notify.messages


def test_bash_completion(build_dirs):
    """The completion file works in plain bash (no bash-completion helpers
    needed): commands and options of both programs."""
    path = os.path.join(build_dirs["srcdir"], "etc",
                        "vifguard.bash-completion")
    script = r'''
source "$1"
t() {
    local fn=$1; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMPREPLY=()
    $fn
    echo "${COMPREPLY[*]}"
}
t _vifguard_ctl vifguard-ctl ""
t _vifguard_ctl vifguard-ctl s
t _vifguard_ctl vifguard-ctl --format = j
t _vifguard_ctl vifguard-ctl show ""
t _vifguard_attach vifguard-attach ""
t _vifguard_attach vifguard-attach attach --all-g
t _vifguard_attach vifguard-attach detach --a
complete -p vifguard-ctl vifguard-attach
'''
    p = subprocess.run(["bash", "-c", script, "bash", path],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "show vifs stats version wait",
        "show stats",
        "json",
        "",
        "attach detach status",
        "--all-guest-bridges",
        "--all",
        "complete -F _vifguard_ctl vifguard-ctl",
        "complete -F _vifguard_attach vifguard-attach",
    ], p.stdout
