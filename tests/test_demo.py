"""The demo (scripts/demo.py) runs against the built tree and shows every
attack succeeding without vifguard and blocked with it.

scripts/demo.sh installs packages and builds first; here demo.py runs
directly against VG_BUILD_PLAIN, so the demo cannot silently rot.  The list
of attacks comes from demo.py itself: attacks added there are checked here
without a change to this file.
"""

import importlib.util
import os
import re
import subprocess

from conftest import require_ovs

PYTHON = "/usr/bin/python3"


def load_demo(srcdir):
    path = os.path.join(srcdir, "scripts", "demo.py")
    spec = importlib.util.spec_from_file_location("vifguard_demo", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_demo(build_dirs):
    require_ovs()
    srcdir = build_dirs["srcdir"]
    demo = load_demo(srcdir)
    r = subprocess.run([PYTHON, os.path.join(srcdir, "scripts", "demo.py"),
                        "--build", build_dirs["plain"], "--color=never"],
                       capture_output=True, text=True, timeout=300)
    out = r.stdout
    report = "demo.py exited %d\n--- stdout\n%s--- stderr\n%s" % (
        r.returncode, out, r.stderr)
    assert r.returncode == 0, report
    assert "demo passed" in out, report

    # The final table: one row per attack, then legitimate traffic.
    table = out[out.index("== Summary"):]
    assert demo.ATTACKS
    for attack in demo.ATTACKS:
        row = r"^\s+%s\s+succeeded\s+BLOCKED\s*$" % re.escape(attack.name)
        assert re.search(row, table, re.M), "%s\n%s" % (attack.name, report)
    assert re.search(r"^\s+legitimate traffic\s+works\s+works\s*$", table,
                     re.M), report
    for cmd in ("vifguard-ctl show", "vifguard-ctl vifs",
                "ovs-ofctl -O OpenFlow13 dump-flows"):
        assert "$ " + cmd in out, report

    # Nothing left behind: sandbox directory, namespaces, veth ports.
    sbdir = re.search(r"a private Open vSwitch in (\S+)\)", out).group(1)
    assert not os.path.exists(sbdir)
    tag = re.search(r"bridge vgbr([0-9a-f]{4})\d+", out).group(1)
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True,
                           text=True).stdout
    assert not re.search(r"^vg\S*%s" % tag, netns, re.M), netns
    links = subprocess.run(["ip", "-o", "link"], capture_output=True,
                           text=True).stdout
    assert ": v%s" % tag not in links and "vgbr" + tag not in links
