/* NO_FLOOD: take guest ports out of NORMAL's flood set (DESIGN.md,
 * "Forwarding to guests", item 1).
 *
 * Open vSwitch honours the port config bit NO_FLOOD only in an OpenFlow 1.0
 * PORT_MOD, and vifguardd's own connections speak 1.3.  So noflood_apply()
 * opens a short-lived OpenFlow 1.0 connection to the bridge's management
 * socket (RUNDIR/BRIDGE.mgmt, a passive OpenFlow service that ovs-vswitchd
 * offers for every bridge) and, asynchronously on the event loop:
 *
 *   1. sends HELLO (version 1) and FEATURES_REQUEST;
 *   2. reads FEATURES_REPLY: every port with its hardware address and
 *      current config (on a bridge with more than 1363 ports the reply
 *      has no room for all of them: then it asks for port descriptions);
 *   3. sends one PORT_MOD (mask NO_FLOOD, config NO_FLOOD or 0, the port's
 *      current hardware address, as OVS requires) for each requested port
 *      whose bit differs, then BARRIER_REQUEST;
 *   4. waits for BARRIER_REPLY, closes the connection and calls back.
 * When the caller knows every requested port's hardware address (the
 * engine learns it from the OpenFlow 1.3 PORT_STATUS of a new port), steps
 * 1 to 3 shrink to HELLO, the PORT_MODs and BARRIER_REQUEST in one go: the
 * FEATURES_REPLY lists every port of the bridge (48 kB at 1000 ports) and
 * composing it is most of the session's time on a large bridge.  A port
 * whose PORT_MOD the switch rejects as naming no port or another address
 * (the hint was stale) then goes through steps 1 to 4 after all.
 * It answers ECHO requests and ignores PACKET_IN (OVS sends table misses to
 * 1.0 connections), PORT_STATUS and the like.  The whole operation must end
 * within NOFLOOD_TIMEOUT seconds.  Nothing blocks; there is no periodic
 * work; several operations may run at once (each has its own connection).
 *
 * The bridge must allow OpenFlow 1.0: ovs-vswitchd applies Bridge.protocols
 * to the management socket too, so a bridge with protocols=OpenFlow13 only
 * refuses the session (error EPROTONOSUPPORT).  An empty protocols column
 * allows 1.0.
 *
 * The bit lives in ovs-vswitchd's memory only: it is lost when the port is
 * re-added or ovs-vswitchd restarts (it survives a Port.tag change), so the
 * caller re-applies it for every new ofport and every new OpenFlow
 * connection from the bridge.
 *
 * Errors are logged under subsystem "noflood" (rate-limited when the switch
 * or the socket caused them). */
#ifndef VG_NOFLOOD_H
#define VG_NOFLOOD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds an operation may take, connection included. */
#define NOFLOOD_TIMEOUT 5.0

/* One port to configure. */
struct noflood_port {
    uint32_t ofport;    /* OVSDB Interface.ofport = OpenFlow 1.0 port number
                      * (1..65279, or 65534 for the bridge's LOCAL port). */
    bool no_flood;      /* true: set NO_FLOOD; false: clear it. */
    bool has_hw_addr;   /* 'hw_addr' is the port's current address. */
    uint8_t hw_addr[6]; /* Only if 'has_hw_addr'. */
};

/* What happened to one requested port. */
struct noflood_result {
    uint32_t ofport; /* As requested. */
    bool no_flood;   /* As requested. */
    bool changed;    /* A PORT_MOD was sent: its bit differed, or it was
                      * not read (the hardware address was given). */
    bool settled;    /* 'error' is this port's own outcome; false if the
                      * operation failed before it was known. */
    int error;       /* 0: the port has the requested bit (acknowledged by
                      * the barrier if 'changed').  ENOENT: the port is not
                      * on the bridge (it may be gone by now).  EINVAL: not
                      * a valid port number, or listed twice (only the first
                      * entry counts).  An enum ofperr: the switch rejected
                      * the PORT_MOD (e.g. OFPPMFC_BAD_HW_ADDR if the address
                      * changed meanwhile).  If not 'settled': the
                      * operation's error (try again later). */
};

/* Called once per operation, unless it is cancelled, always from the event
 * loop (never from inside noflood_apply()).  'error' is 0 only if every
 * requested port now has its requested bit; otherwise it is the error that
 * ended the operation (a connect() errno such as ENOENT or ECONNREFUSED,
 * ETIMEDOUT, ECONNRESET if the switch closed the connection, EPROTO for
 * bytes that are not valid OpenFlow 1.0, EPROTONOSUPPORT if the bridge does
 * not allow OpenFlow 1.0, an enum ofperr if the switch rejected the session
 * itself) or, when the session completed, the error of the first failed
 * port.  'results' has one entry per requested port, in request order; it
 * is valid only during the call.  The operation's handle is freed after the
 * callback returns: do not use it from then on (noflood_cancel() on it
 * during the callback is a no-op). */
typedef void noflood_done_cb(void *aux, int error,
                             const struct noflood_result *results, size_t n);

struct noflood;

/* Starts setting or clearing NO_FLOOD on the 'n' ports in 'ports' of the
 * bridge whose management socket is 'mgmt_path' (see noflood_mgmt_path()).
 * 'ports' and 'mgmt_path' are copied.  Returns the operation's handle,
 * never NULL; 'cb' is called with 'aux' when the operation ends, even if it
 * failed at once (e.g. no such socket). */
struct noflood *noflood_apply(const char *mgmt_path,
                              const struct noflood_port *ports, size_t n,
                              noflood_done_cb *cb, void *aux);

/* Abandons operation 'nf' (for instance because its bridge is gone): closes
 * its connection and frees it without calling its callback.  PORT_MODs
 * already sent may or may not take effect.  Accepts NULL. */
void noflood_cancel(struct noflood *nf);

/* Returns the path of the management socket of bridge 'bridge', malloc'd:
 * "DIR/BRIDGE.mgmt", where DIR is
 *   - 'rundir_override' if it is nonnull and not empty (e.g. a configured
 *     OVS run directory, or the value of OVS_RUNDIR that ovs-vswitchd was
 *     started with);
 *   - otherwise the directory of 'ovsdb_remote' if it is "unix:PATH"
 *     (ovsdb-server's socket lives in ovs-vswitchd's run directory: with
 *     the default "unix:/var/run/openvswitch/db.sock" that gives
 *     /var/run/openvswitch, and a test sandbox's "unix:DIR/db.sock" gives
 *     DIR), "." if PATH has no directory;
 *   - otherwise (tcp:, ssl:, NULL) "/var/run/openvswitch", where
 *     ovs-vswitchd puts it by default. */
char *noflood_mgmt_path(const char *ovsdb_remote, const char *rundir_override,
                        const char *bridge);

#endif /* src/noflood.h */
