/* The control socket of vifguardd and its JSON protocol.
 *
 * vifguard-ctl connects to a unix stream socket (default
 * /var/run/vifguard/ctl.sock, mode 0660) and sends one request per line:
 *     {"command":"vifs","args":[]}
 * and gets one response line per request:
 *     {"ok":true,"result":...}   or   {"ok":false,"error":"..."}
 * Commands: "show" (bridges and guest counts), "vifs" (every guest port),
 * "stats" (counters and the plug latency histogram), "version", and
 *     {"command":"wait","args":["vif1.0","vif2.0"],"timeout":30}
 * which is answered only once every port named in "args" (OVSDB interface
 * names, 1 to CTL_MAX_WAIT_PORTS) is protected:
 * {"ok":true,"result":{"protected":[...]}}; at once with an error if one of
 * them is held closed (its state is error); and with an error naming what
 * each unprotected port is waiting for when "timeout" seconds (0 < timeout
 * <= CTL_MAX_WAIT; default CTL_DEFAULT_WAIT) have passed.  A port vifguardd
 * does not know yet (not in OVSDB, or not on a bridge it protects) is
 * waited for.  The other commands take no arguments and no "timeout".  A
 * request longer than CTL_MAX_REQUEST bytes gets an error and the
 * connection is closed.
 *
 * The server (ctl.c) runs on the loop of src/loop.h: any number of clients
 * up to CTL_MAX_CLIENTS, non-blocking reads and writes, and at most one
 * response in flight per client (a client that does not read its responses
 * is not read from either, so it costs one response of memory, and it is
 * dropped after CTL_IDLE_TIMEOUT seconds without progress).  A client whose
 * "wait" is not answered yet is not read from either (only dropped if it
 * leaves); its ports are looked at again at the end of every event-loop
 * iteration (after whatever happened in it), and its timeout replaces the
 * idle one.  The data comes
 * from provider callbacks (the engine).
 *
 * The conversions between requests, struct vg_status and JSON (ctl-json.c)
 * are pure functions, shared with vifguard-ctl, which turns the JSON back
 * into a struct vg_status to print it as text. */
#ifndef VG_CTL_H
#define VG_CTL_H 1

#include <stdbool.h>
#include <stddef.h>

struct json_object;
struct vg_latency;
struct vg_stats;
struct vg_status;

#define CTL_MAX_REQUEST (64 * 1024) /* Bytes in one request line. */
#define CTL_MAX_RESPONSE (64 << 20) /* Bytes in one response line. */
#define CTL_MAX_CLIENTS \
    256                         /* Connected at once (waits included: a
                                     * hook per guest starting). */
#define CTL_IDLE_TIMEOUT 30.0   /* Seconds without progress. */
#define CTL_DEFAULT_WAIT 10.0   /* "wait" timeout if none is given. */
#define CTL_MAX_WAIT 86400.0    /* Longest "wait" timeout. */
#define CTL_MAX_WAIT_PORTS 1024 /* Ports in one "wait". */

enum ctl_command {
    CTL_SHOW,
    CTL_VIFS,
    CTL_STATS,
    CTL_VERSION,
    CTL_WAIT,
};
#define CTL_N_COMMANDS 5

/* A parsed request. */
struct ctl_request {
    enum ctl_command command;
    char **ports; /* CTL_WAIT: the port names, 'n_ports' >= 1. */
    size_t n_ports;
    double timeout; /* CTL_WAIT: seconds. */
};
void ctl_request_destroy(struct ctl_request *);

const char *ctl_command_name(enum ctl_command);
/* Looks up 'name'; returns false if it is not a command. */
bool ctl_command_from_name(const char *name, enum ctl_command *);

/* Fills in 'status' (initially all zeros but 'summary'); the caller
 * destroys it. */
typedef void ctl_status_cb(void *aux, struct vg_status *status);

/* Returns the state (enum vg_port_state) of the guest port named 'name',
 * with a reason or NULL in '*reason', or -1 if there is no such port. */
typedef int ctl_port_state_cb(void *aux, const char *name,
                              const char **reason);

/* What the server answers from. */
struct ctl_provider {
    ctl_status_cb *status;
    ctl_port_state_cb *port_state;
    void *aux;
};

/* Server side (ctl.c). */
struct ctl_server;

/* Listens on the unix socket 'path' (a stale socket there is removed; a
 * live one, where another daemon answers, is an error).  Returns 0 or an
 * errno value with a message in '*errp'. */
int ctl_server_create(const char *path, const struct ctl_provider *,
                      struct ctl_server **, char **errp);
/* Closes every client and the socket, and removes the socket file.
 * Accepts NULL. */
void ctl_server_destroy(struct ctl_server *);
size_t ctl_server_n_clients(const struct ctl_server *);

/* Pure conversions (ctl-json.c). */

/* Parses the request 'req' ('len' bytes, without the newline) into
 * '*request' (destroy it with ctl_request_destroy()).  Returns 0, or EINVAL
 * with a malloc'd message in '*errp' (then '*request' needs no
 * destroying). */
int ctl_parse_request(const char *req, size_t len, struct ctl_request *,
                      char **errp);

/* Returns the request line for 'request', without the newline
 * (malloc'd). */
char *ctl_format_request(const struct ctl_request *);

/* Answers the request 'req' ('len' bytes): parses it, calls 'cb' for the
 * status if needed and returns the response line without the newline
 * (malloc'd).  A "wait" cannot be answered from a status: if 'waitp' is
 * nonnull, its parsed request is stored there (the caller owns it) and
 * NULL is returned; otherwise it gets an error response. */
char *ctl_execute(const char *req, size_t len, ctl_status_cb *cb, void *aux,
                  struct ctl_request **waitp);

/* Returns the response to the "wait" 'request' if it can be given now: every
 * port protected, one of them in error or no guest port, or 'timed_out';
 * NULL otherwise.  The states come from 'cb'.  Malloc'd, without the
 * newline. */
char *ctl_wait_response(const struct ctl_request *request,
                        ctl_port_state_cb *cb, void *aux, bool timed_out);

/* Returns the "result" of 'command' for 'status' (a new reference). */
struct json_object *ctl_status_to_json(enum ctl_command,
                                       const struct vg_status *);

/* The reverse, for vifguard-ctl: fills in 'status' (initially all zeros)
 * from the "result" 'json' of 'command'.  Missing members are left zero;
 * members of the wrong type are an error.  Returns 0, or EINVAL with a
 * malloc'd message in '*errp' (then 'status' may be partly filled: destroy
 * it either way). */
int ctl_status_from_json(enum ctl_command, const struct json_object *json,
                         struct vg_status *, char **errp);

/* Returns an upper bound, in seconds, of the 'p' quantile (0 < p <= 1) of
 * the latencies in histogram 'lat' (0 if it is empty): the upper edge of
 * the bucket that holds it, capped at the maximum. */
double ctl_latency_percentile(const struct vg_latency *lat, double p);

#endif /* src/ctl.h */
