#!/bin/bash
# Installs every Debian 12 package vifguard needs to build, test, fuzz and
# package itself.  Idempotent: when everything is already installed it only
# checks (dpkg-query) and returns in well under a second.
#
# Services shipped by these packages (openvswitch-switch, dnsmasq, radvd) are
# never started by the install: vifguard's tests run private instances of
# them.  If the machine has no policy-rc.d, a temporary one that forbids
# service starts is put in place for the duration of the install.
#
# Usage: scripts/install-deps.sh [--check]   (--check: only report, exit 1
# if something is missing).
set -euo pipefail

PACKAGES=(
    # Build.
    build-essential autoconf automake pkg-config git
    # Compilers, sanitizers, libFuzzer, formatting, memory checking.
    clang libclang-rt-14-dev clang-format valgrind
    # Daemon libraries.
    libjson-c-dev libev-dev libxen-dev
    # A real libxenstore client for the xenstore test server.
    xenstore-utils
    # Open vSwitch (tests run private instances; the service stays off).
    openvswitch-switch openvswitch-common
    # Test runner and network tools for the integration tests.
    python3 python3-pytest python3-scapy
    iproute2 iputils-ping tcpdump ethtool procps
    dnsmasq radvd isc-dhcp-client ndisc6 arping iperf3
    # Packaging.
    rpm dpkg-dev debhelper systemd shellcheck
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != installed ]; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi
echo "install-deps: missing: ${missing[*]}"
if [ "${1:-}" = --check ]; then
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: must run as root (apt-get install)" >&2
    exit 1
fi

# Keep services from starting while their packages install (no systemd in
# containers; no system-wide OVS or dnsmasq wanted anywhere).
policy=/usr/sbin/policy-rc.d
made_policy=false
cleanup() {
    if $made_policy; then
        rm -f "$policy"
    fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Temporary: written by vifguard install-deps.sh\nexit 101\n' \
        >"$policy"
    chmod 755 "$policy"
    made_policy=true
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef
          -o Dpkg::Options::=--force-confold)
apt-get -q -o DPkg::Lock::Timeout=600 update
apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
