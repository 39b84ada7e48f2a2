"""pytest configuration shared by every vifguard test.

Where things are: VG_SRCDIR (the source tree) and VG_BUILD_PLAIN,
VG_BUILD_ASAN, VG_BUILD_FUZZ (the build trees made by scripts/run-tests.sh;
by default build/plain, build/asan, build/fuzz in the source tree).

Fixtures:
  build_dirs   dict with keys srcdir, plain, asan, fuzz (paths).
  ovs          a started private Open vSwitch (tests/ovs_sandbox.py) with the
               userspace datapath; torn down after the test.
  ovs_dummy    the same with --enable-dummy=override, for scale tests.
  ovs_bridge   (ovs, name of a fresh netdev bridge) for the common case.

Tests that use an OVS fixture get the tails of the OVS logs attached to their
report when they fail, and fail if the logs hold unexpected ERR/WARN lines
(allow some with @pytest.mark.ovs_log_allow(r"regex", ...)).  Tests that need
root or Open vSwitch fail, not skip, when either is missing: the test
command (scripts/run-tests.sh) installs everything first.
"""

import os
import shutil
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS_DIR)

import ovs_sandbox  # noqa: E402

SRCDIR = os.environ.get("VG_SRCDIR", os.path.dirname(TESTS_DIR))


def _build_dir(var, sub):
    return os.environ.get(var, os.path.join(SRCDIR, "build", sub))


BUILD_DIRS = {
    "srcdir": SRCDIR,
    "plain": _build_dir("VG_BUILD_PLAIN", "plain"),
    "asan": _build_dir("VG_BUILD_ASAN", "asan"),
    "fuzz": _build_dir("VG_BUILD_FUZZ", "fuzz"),
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "ovs_log_allow(*regexes): OVS log ERR/WARN lines that "
        "this test expects")


@pytest.fixture(scope="session")
def build_dirs():
    return dict(BUILD_DIRS)


def require_root():
    """Fails the calling test unless it runs as root."""
    if os.geteuid() != 0:
        pytest.fail("this test needs root (network namespaces, OVS): run "
                    "sudo scripts/run-tests.sh", pytrace=False)


def require_ovs():
    require_root()
    for tool in ("ovsdb-server", "ovs-vswitchd", "ovs-vsctl"):
        if shutil.which(tool) is None:
            pytest.fail("%s not found: run scripts/install-deps.sh" % tool,
                        pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches OVS log tails of the item's sandboxes to a failed report."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and rep.when in ("setup", "call"):
        for sb in getattr(item, "vg_sandboxes", []):
            for daemon in ("ovs-vswitchd", "ovsdb-server"):
                rep.sections.append(
                    ("%s log (%s)" % (daemon, sb.dir), sb.log_tail(daemon)))


def _sandbox(request, dummy):
    require_ovs()
    sb = ovs_sandbox.OvsSandbox(dummy=dummy,
                                keep=bool(os.environ.get("VG_KEEP_OVS")))
    if not hasattr(request.node, "vg_sandboxes"):
        request.node.vg_sandboxes = []
    request.node.vg_sandboxes.append(sb)
    try:
        sb.start()
    except Exception:
        sb.stop()
        raise
    yield sb
    allow = []
    marker = request.node.get_closest_marker("ovs_log_allow")
    if marker:
        allow = list(marker.args)
    problems = sb.log_problems(allow)
    sb.stop()
    if problems:
        pytest.fail("unexpected ERR/WARN lines in the OVS logs:\n"
                    + "\n".join(problems), pytrace=False)


@pytest.fixture
def ovs(request):
    """A private Open vSwitch, userspace (netdev) datapath."""
    yield from _sandbox(request, dummy=False)


@pytest.fixture
def ovs_dummy(request):
    """A private Open vSwitch with --enable-dummy=override."""
    yield from _sandbox(request, dummy=True)


@pytest.fixture
def ovs_bridge(ovs):
    """(sandbox, bridge name): a netdev bridge in a private OVS."""
    return ovs, ovs.add_bridge()
