/* The control socket of vifguardd and its JSON protocol.
 *
 * vifguard-ctl connects to a unix stream socket (default
 * /var/run/vifguard/ctl.sock, mode 0660) and sends one request per line:
 *     {"command":"vifs","args":[]}
 * and gets one response line per request:
 *     {"ok":true,"result":...}   or   {"ok":false,"error":"..."}
 * Commands: "show" (bridges and guest counts), "vifs" (every guest port),
 * "stats" (counters and the plug latency histogram), "version".  None takes
 * arguments yet.  A request longer than CTL_MAX_REQUEST bytes gets an error
 * and the connection is closed.
 *
 * The server (ctl.c) runs on the loop of src/loop.h: any number of clients
 * up to CTL_MAX_CLIENTS, non-blocking reads and writes, and at most one
 * response in flight per client (a client that does not read its responses
 * is not read from either, so it costs one response of memory, and it is
 * dropped after CTL_IDLE_TIMEOUT seconds without progress).  The data comes
 * from a status provider callback (the engine).
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
#define CTL_MAX_CLIENTS 64          /* Connected at once. */
#define CTL_IDLE_TIMEOUT 30.0       /* Seconds without progress. */

enum ctl_command {
    CTL_SHOW,
    CTL_VIFS,
    CTL_STATS,
    CTL_VERSION,
};
#define CTL_N_COMMANDS 4

const char *ctl_command_name(enum ctl_command);
/* Looks up 'name'; returns false if it is not a command. */
bool ctl_command_from_name(const char *name, enum ctl_command *);

/* Fills in 'status' (initially all zeros but 'summary'); the caller
 * destroys it. */
typedef void ctl_status_cb(void *aux, struct vg_status *status);

/* Server side (ctl.c). */
struct ctl_server;

/* Listens on the unix socket 'path' (a stale socket there is removed; a
 * live one, where another daemon answers, is an error).  Returns 0 or an
 * errno value with a message in '*errp'. */
int ctl_server_create(const char *path, ctl_status_cb *, void *aux,
                      struct ctl_server **, char **errp);
/* Closes every client and the socket, and removes the socket file.
 * Accepts NULL. */
void ctl_server_destroy(struct ctl_server *);
size_t ctl_server_n_clients(const struct ctl_server *);

/* Pure conversions (ctl-json.c). */

/* Parses the request 'req' ('len' bytes, without the newline).  Returns 0,
 * or EINVAL with a malloc'd message in '*errp'. */
int ctl_parse_request(const char *req, size_t len, enum ctl_command *,
                      char **errp);

/* Returns the request line for 'command', without the newline (malloc'd). */
char *ctl_format_request(enum ctl_command);

/* Answers the request 'req' ('len' bytes): parses it, calls 'cb' for the
 * status if needed and returns the response line without the newline
 * (malloc'd). */
char *ctl_execute(const char *req, size_t len, ctl_status_cb *cb, void *aux);

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
