"""Long uptime of vifguardd: every event of tests/soaklab.py (ovs-vswitchd
crash and restart, ovsdb-server restart, bridge deleted and re-created,
controller removed and set again, a guest plugged and unplugged, policy
changes, control socket clients and OpenFlow peers leaving mid-request,
xenstored restart, a foreign flow and a cleared NO_FLOOD bit), N cycles,
against one vifguardd.

Prints vifguardd's open fds (by kind), RSS, heap size (VmData) and threads
at the start, after the first cycle (the baseline: every kind of
allocation made once) and every tenth of the run, then the growth per
cycle over the first and the second half, the counters of `vifguard-ctl
stats`, the time each event takes, and whether every guest is protected and
an attack blocked at the end.  A leak grows in both halves alike; the
allocator settling in, only in the first.

Run through bench/soak.sh (which builds and checks the environment):
    bench/soak.sh [--cycles N] [--events vswitchd,ovsdb,...] [--autoattach]
                  [--asan]
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from soaklab import LOG_ALLOW, OVS_LOG_ALLOW, Soak  # noqa: E402

RESULTS = []


def goal(text, met):
    RESULTS.append(met)
    print("GOAL %s: %s" % (text, "MET" if met else "NOT MET"), flush=True)


def fmt_fds(kinds):
    return ", ".join("%s x%d" % (k, n) if n > 1 else k
                     for k, n in sorted(kinds.items()))


def row(label, snap):
    print("%-14s fds %3d  RSS %6d kB  VmData %6d kB  threads %d"
          % (label, sum(snap["fds"].values()), snap["rss_kb"],
             snap["data_kb"], snap["threads"]), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="vifguardd build dir")
    ap.add_argument("--cycles", type=int, default=300)
    ap.add_argument("--events", default=",".join(Soak.EVENTS),
                    help="comma-separated subset of " + ",".join(Soak.EVENTS))
    ap.add_argument("--autoattach", action="store_true",
                    help="vifguardd attaches the bridge itself "
                    "(attach-bridges, the build's scripts/vifguard-attach)")
    ap.add_argument("--asan", action="store_true",
                    help="an ASan build: its RSS is ASan's (quarantine, "
                    "shadow memory), so no RSS goal")
    args = ap.parse_args()
    events = [e for e in args.events.split(",") if e]
    for e in events:
        if e not in Soak.EVENTS:
            ap.error("unknown event %s" % e)
    n = max(args.cycles, 2)

    attach = None
    if args.autoattach:
        attach = os.path.join(os.path.abspath(args.build), "scripts",
                              "vifguard-attach")
    soak = Soak(args.build, attach_command=attach)
    times = {e: 0.0 for e in events}
    ok = False
    try:
        soak.start()
        print("vifguardd %s, pid %d%s; events per cycle: %s; %d cycles"
              % (args.build, soak.pid(),
                 ", attach-bridges" if attach else "", " ".join(events), n),
              flush=True)
        start = soak.snapshot()
        row("start", start)
        print("  fds: " + fmt_fds(start["fds"]))
        blocked = soak.check_traffic() == {"LEGIT", "LEGITUDP"}
        checkpoints = {1} | {max(1, n * k // 10) for k in range(1, 11)}
        snaps = {}
        t0 = time.monotonic()
        for i in range(n):
            for e in events:
                t = time.monotonic()
                soak.cycle(i, [e])
                times[e] += time.monotonic() - t
            if i + 1 in checkpoints or i + 1 == n // 2:
                soak.wait_fds(start["fds"])
                snaps[i + 1] = soak.snapshot()
                if i + 1 in checkpoints:
                    row("cycle %d" % (i + 1), snaps[i + 1])
        wall = time.monotonic() - t0
        end = snaps[n]
        soak.settle()
        blocked = blocked and \
            soak.check_traffic() == {"LEGIT", "LEGITUDP"}
        print("  fds: " + fmt_fds(end["fds"]))

        base, mid = snaps[1], snaps[n // 2]
        first = (mid["rss_kb"] - base["rss_kb"]) / max(n // 2 - 1, 1)
        second = (end["rss_kb"] - mid["rss_kb"]) / max(n - n // 2, 1)
        dfirst = (mid["data_kb"] - base["data_kb"]) / max(n // 2 - 1, 1)
        dsecond = (end["data_kb"] - mid["data_kb"]) / max(n - n // 2, 1)
        print("RSS growth per cycle: %+.2f kB (cycles 1-%d), %+.2f kB "
              "(cycles %d-%d); VmData %+.2f / %+.2f kB"
              % (first, n // 2, second, n // 2, n, dfirst, dsecond))
        print("fd growth: %+d over %d cycles"
              % (sum(end["fds"].values()) - sum(start["fds"].values()), n))
        s0, s1 = start["stats"], end["stats"]
        for k in ("ofp_connections", "ovsdb_updates", "flow_mods_sent",
                  "bundles_committed", "bundles_failed", "ofp_errors",
                  "foreign_flows_removed", "mac_entries_removed",
                  "mac_table_flushes"):
            print("  %-22s %+d" % (k, s1[k] - s0[k]))
        print("  log: %d errors, %d warnings"
              % (s1["log"]["errors"], s1["log"]["warnings"]))
        print("time per event (mean): " + ", ".join(
            "%s %.2f s" % (e, times[e] / n) for e in events)
            + "; %.1f s per cycle" % (wall / n))

        goal("open fds after %d cycles equal those at start" % n,
             end["fds"] == start["fds"])
        goal("threads unchanged", end["threads"] == start["threads"])
        if args.asan:
            print("(no RSS goal: an ASan build's RSS is its quarantine's)")
        elif n < 100:
            # RSS moves by pages: over a few dozen cycles, noise.
            print("(no RSS goal under 100 cycles)")
        else:
            goal("RSS growth per cycle in the second half under 1 kB "
                 "(%.2f kB; first half %.2f)" % (second, first),
                 second < 1.0)
        goal("every guest protected, spoofing blocked, legitimate traffic "
             "passes, before and after", blocked)
        problems = soak.vg.log_problems(LOG_ALLOW)
        ovs_problems = soak.sb.log_problems(OVS_LOG_ALLOW)
        for p in (problems + ovs_problems)[:20]:
            print("  unexpected: " + p)
        goal("no ERR/WARN log line but those the events explain",
             not problems and not ovs_problems)
        ok = True
    finally:
        rc = soak.stop()
    goal("vifguardd exits 0 on SIGTERM (ASan build: LeakSanitizer clean)",
         ok and rc == 0)
    if rc != 0:
        print(soak.final_log_tail)
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
