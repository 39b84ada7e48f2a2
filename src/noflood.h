/* NO_FLOOD: take guest ports out of NORMAL's flood set (DESIGN.md,
 * "Forwarding to guests", item 1).
 *
 * Open vSwitch honours the port config bit NO_FLOOD only in an OpenFlow 1.0
 * PORT_MOD, and vifguardd's own connections speak 1.3.  So a NO_FLOOD
 * session (one per bridge) keeps an OpenFlow 1.0 connection to the
 * bridge's management socket (RUNDIR/BRIDGE.mgmt, a passive OpenFlow
 * service that ovs-vswitchd offers for every bridge), opened on the
 * session's first operation, and runs its operations on it one after
 * another (in the order of noflood_apply()).  An operation, asynchronously
 * on the event loop:
 *
 *   1. (on a new connection: sends HELLO, version 1;)
 *   2. sends FEATURES_REQUEST and reads FEATURES_REPLY: every port with
 *      its hardware address and current config (on a bridge with more
 *      than 1363 ports the reply has no room for all of them: then it asks
 *      for port descriptions);
 *   3. sends one PORT_MOD (mask NO_FLOOD, config NO_FLOOD or 0, the port's
 *      current hardware address, as OVS requires) for each requested port
 *      whose bit differs, then BARRIER_REQUEST;
 *   4. waits for BARRIER_REPLY and calls back.
 * When the caller knows every requested port's hardware address (the
 * engine learns it from the OpenFlow 1.3 PORT_STATUS of a new port), steps
 * 2 and 3 shrink to the PORT_MODs and BARRIER_REQUEST in one go: the
 * FEATURES_REPLY lists every port of the bridge (48 kB at 1000 ports) and
 * composing it is most of an operation's time on a large bridge.  A port
 * whose PORT_MOD the switch rejects as naming no port or another address
 * (the hint was stale) then goes through steps 2 to 4 after all.
 *
 * Why one lasting connection: ovs-vswitchd accepts a new connection in one
 * pass of its main loop and completes the HELLO exchange only in a later
 * one, so on a new connection a PORT_MOD waits for that (about 5 ms on a
 * bridge of 1000 ports, where a pass is long); on a connection already
 * open it is handled in the pass right after the one that added the port.
 *
 * The whole operation must end within NOFLOOD_TIMEOUT seconds (counted
 * from its start, not from its noflood_apply() if it waited behind
 * another).  An operation that fails for any reason but a port's own
 * error (connection refused, closed or reset by the switch, bytes that
 * are not OpenFlow 1.0, the timeout) also closes the connection, whose
 * state is then unknown: the next operation connects again.  The same
 * when the switch closes the connection between operations (ovs-vswitchd
 * restarts, the bridge is deleted): the next operation connects again.
 * While idle the session has no timer: it only answers the ECHO requests
 * with which ovs-vswitchd probes a connection idle for 60 seconds, reports
 * what it watches (below) and ignores PACKET_IN and the like.  Nothing
 * blocks.
 *
 * Watching (noflood_session_watch()): anyone who can open the management
 * socket can clear the bit again (`ovs-ofctl mod-port BR PORT flood`), and
 * the OpenFlow 1.3 PORT_STATUS of vifguardd's controller connection cannot
 * show the bit.  So a watching session, on each new connection, right
 * after HELLO sends NXT_SET_ASYNC_CONFIG: PORT_STATUS for MODIFY only, no
 * PACKET_IN or FLOW_REMOVED.  Open vSwitch sends a service connection
 * asynchronous messages only if its miss_send_len is nonzero
 * (ofproto/connmgr.c, ofconn_receives_async_msg()), and NXT_SET_ASYNC_CONFIG
 * sets it to the default when it is 0 (ofproto/ofproto.c, since Open vSwitch
 * 1.9), so no SET_CONFIG is needed, which would also set the bridge's
 * fragment handling.  The first operation's requests follow it, so every
 * change the switch makes after that operation's reads and writes is
 * reported.  Open vSwitch reports a PORT_MOD to every connection but the
 * one that sent it (before OpenFlow 1.5), so the session sees other
 * clients' changes (and the switch's own, such as a link going down) and
 * not its own.  A switch that refuses the request (an ERROR with its
 * transaction id) leaves the connection unwatched, with a warning.
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
 * not allow OpenFlow 1.0, an enum ofperr if the switch rejected the
 * operation itself) or, when the operation completed, the error of the
 * first failed port.  'results' has one entry per requested port, in
 * request order; it is valid only during the call.  The operation's handle
 * is freed after the callback returns: do not use it from then on
 * (noflood_cancel() on it during the callback is a no-op).  The callback
 * may start another operation, and may destroy the session. */
typedef void noflood_done_cb(void *aux, int error,
                             const struct noflood_result *results, size_t n);

struct noflood_session;
struct noflood;

/* Returns a new NO_FLOOD session for the bridge whose management socket is
 * 'mgmt_path' (see noflood_mgmt_path(); copied).  It connects on its first
 * operation. */
struct noflood_session *noflood_session_create(const char *mgmt_path);

/* Closes the connection of 's' and frees it, with its operations (in
 * flight or queued), without calling their callbacks: their handles are
 * invalid from then on.  Accepts NULL. */
void noflood_session_destroy(struct noflood_session *s);

/* Returns the management socket path of 's'. */
const char *noflood_session_path(const struct noflood_session *s);

/* Reports another client's change of port 'ofport' of the bridge (its
 * NO_FLOOD bit is now 'no_flood'), or, with 'ofport' 0, that the watching
 * connection closed, so that changes go unseen until an operation connects
 * again.  Called from the event loop; the callback may start operations
 * but must not destroy the session. */
typedef void noflood_watch_cb(void *aux, uint32_t ofport, bool no_flood);

/* Makes the connections of 's' opened from now on watch for other clients'
 * port changes and report them to 'cb' with 'aux' (see the file comment:
 * "Watching").  Call it before the first operation. */
void noflood_session_watch(struct noflood_session *s, noflood_watch_cb *cb,
                           void *aux);

/* Starts setting or clearing NO_FLOOD on the 'n' ports in 'ports' of the
 * bridge of session 's', after the operations started before on 's' have
 * ended.  'ports' is copied.  Returns the operation's handle, never NULL;
 * 'cb' is called with 'aux' when the operation ends, even if it failed at
 * once (e.g. no such socket). */
struct noflood *noflood_apply(struct noflood_session *s,
                              const struct noflood_port *ports, size_t n,
                              noflood_done_cb *cb, void *aux);

/* Abandons operation 'nf' (for instance because ovs-vswitchd may have
 * restarted) without calling its callback, and frees it.  If it was in
 * flight, its PORT_MODs may or may not take effect, and the session's
 * connection is closed (the next operation connects again).  Accepts
 * NULL. */
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

/* Returns ovs-vswitchd's run directory as noflood_mgmt_path() finds it
 * (without a trailing slash, unless it is "/"), malloc'd. */
char *noflood_ovs_rundir(const char *ovsdb_remote,
                         const char *rundir_override);

#endif /* src/noflood.h */
