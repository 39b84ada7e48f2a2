/* NORMAL's MAC table: removing the entries that a guest port learned while
 * it could send from any MAC (DESIGN.md, "Forwarding to guests", "NORMAL's
 * MAC table").
 *
 * While a guest is unlocked (or its port is trusted, or its past is
 * unknown) it may send with someone else's MAC, say the router's, and
 * NORMAL then learns that MAC on the guest's port.  Once the guest is
 * locked, NORMAL keeps that entry until the owner sends again or it ages
 * out, and what other guests send to that MAC still goes to the guest.
 * OpenFlow has no message that removes NORMAL's learned MACs; ovs-vswitchd's
 * control socket (unixctl: JSON-RPC 1.0 over a unix socket, the protocol of
 * ovs-appctl) has "fdb/show BRIDGE", "fdb/add BRIDGE PORT VLAN MAC" and
 * "fdb/del BRIDGE VLAN MAC" (Open vSwitch 2.16 and later) and
 * "fdb/flush BRIDGE".  fdb/del removes only static entries, so an entry is
 * removed by making it static on the port where it already is (fdb/add)
 * and deleting it (fdb/del), two requests sent back to back.
 *
 * An operation (fdb_clean()), asynchronously on the event loop: connects to
 * the control socket, asks for fdb/show, removes every entry on one of the
 * given ports whose MAC is not that port's own, and calls back.  When the
 * per-entry way is not available or fails (an Open vSwitch without fdb/add,
 * too many entries, an error reply to fdb/add), it falls back to
 * "fdb/flush BRIDGE": every entry of the bridge goes (NORMAL learns again
 * from the next frames; meanwhile it floods unicast to trusted ports only,
 * since every guest port is NO_FLOOD).  The whole operation ends within
 * FDB_TIMEOUT seconds.  Nothing blocks, and nothing runs while idle.
 *
 * fdb_parse_show() is pure (unit tests, fuzzer).  This module uses json-c
 * (through src/jsonrpc.h). */
#ifndef VG_FDB_H
#define VG_FDB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds an operation may take, connection included. */
#define FDB_TIMEOUT 5.0

/* More entries to remove than this in one operation: fdb/flush BRIDGE
 * instead (one request instead of thousands). */
#define FDB_MAX_REMOVE 256

/* One line of fdb/show. */
struct fdb_entry {
    uint32_t ofport; /* The port column as a number; 0 if it is a name
                      * (LOCAL, or another reserved port). */
    uint16_t vlan;   /* 0..4095. */
    uint8_t mac[6];
    bool is_static; /* Age "static" (fdb/add), not learned. */
};

/* Parses 'text', the reply to fdb/show (a header line " port  VLAN  MAC
 * Age", then one line per entry: port, VLAN, MAC, age in seconds or
 * "static").  On success returns 0 and the entries in '*entriesp' (malloc'd,
 * NULL if none) and their number in '*np'.  Otherwise returns EPROTO with a
 * malloc'd message in '*errp' that names the line and what is wrong with
 * it, and sets '*entriesp' to NULL and '*np' to 0. */
int fdb_parse_show(const char *text, struct fdb_entry **entriesp, size_t *np,
                   char **errp);

/* Finds ovs-vswitchd's control socket in run directory 'rundir':
 * "RUNDIR/ovs-vswitchd.PID.ctl" with PID from "RUNDIR/ovs-vswitchd.pid"
 * (ovs-vswitchd's default), else "RUNDIR/ovs-vswitchd.ctl" (as
 * --unixctl=ovs-vswitchd.ctl names it).  Returns 0 with the path in
 * '*pathp' (malloc'd), or ENOENT with a malloc'd message in '*errp' that
 * names what was looked for. */
int fdb_ctl_path(const char *rundir, char **pathp, char **errp);

/* A guest port whose foreign entries are to be removed. */
struct fdb_port {
    uint32_t ofport;  /* As fdb/show prints it. */
    const char *name; /* Its name, for fdb/add (copied). */
    bool has_mac;     /* 'mac' is its own MAC: entries with it stay. */
    uint8_t mac[6];
};

/* What an operation did. */
struct fdb_result {
    size_t n_entries; /* Entries fdb/show listed. */
    size_t n_removed; /* Entries removed one by one. */
    bool flushed;     /* The bridge's whole table was flushed instead. */
    bool degraded;    /* ... because removing entries one by one did not
                       * work (an old Open vSwitch, an error reply, a reply
                       * not understood), not just because of their
                       * number. */
    const char *flush_reason; /* Why, if 'flushed'. */
};

/* Called once per operation, unless it is cancelled, always from the event
 * loop (never from inside fdb_clean()).  'error' is 0 if every foreign
 * entry found on the given ports is gone; otherwise a positive errno value
 * (ENOENT: no control socket; ETIMEDOUT; ECONNRESET; EPROTO: a reply that
 * is not what fdb/show prints; EIO: an error reply) with 'msg' saying what
 * failed.  'msg' and 'res' are valid only during the call; the operation
 * is freed after the callback returns. */
typedef void fdb_done_cb(void *aux, int error, const char *msg,
                         const struct fdb_result *res);

struct fdb_op;

/* Starts removing, on bridge 'bridge', the entries learned on the 'n'
 * 'ports' for MACs other than their own, through ovs-vswitchd's control
 * socket in run directory 'rundir' (fdb_ctl_path()).  Everything is copied.
 * Returns the operation, never NULL; 'cb' is called with 'aux' when it
 * ends, even if it failed at once. */
struct fdb_op *fdb_clean(const char *rundir, const char *bridge,
                         const struct fdb_port *ports, size_t n,
                         fdb_done_cb *cb, void *aux);

/* Abandons 'op' without calling its callback, and frees it (requests
 * already sent may still take effect).  Accepts NULL. */
void fdb_cancel(struct fdb_op *op);

#endif /* src/fdb.h */
