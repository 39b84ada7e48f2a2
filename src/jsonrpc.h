/* JSON-RPC 1.0 over a stream socket: the transport of the OVSDB client.
 *
 * A jsonrpc is one client connection to 'unix:PATH' or 'tcp:IP:PORT'
 * (RFC 7047 section 4).  It connects without blocking, reads a stream of
 * concatenated JSON values incrementally (json-c's tokener), writes through a
 * buffer, matches replies to requests by id, answers the server's "echo"
 * requests itself and sends its own "echo" after a period of silence,
 * dropping the connection if that goes unanswered.
 *
 * Anything that is not a well-formed JSON-RPC message (bad JSON, a value that
 * is not an object, a message over JSONRPC_MAX_MSG bytes) is a protocol
 * error: the connection is closed and the owner is told through the
 * 'closed' callback.  All I/O goes through src/loop.h.
 *
 * The stream parser and the remote parser are pure and exposed for the unit
 * tests and the fuzzer.  Only this module and src/ovsdb.c use json-c. */
#ifndef VG_JSONRPC_H
#define VG_JSONRPC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct json_object;
struct jsonrpc;

/* The largest single message accepted, in bytes. */
#define JSONRPC_MAX_MSG ((size_t)64 << 20)

/* Parses 'remote' ("unix:PATH", "tcp:IPV4:PORT" or "tcp:[IPV6]:PORT") into
 * '*ss' and '*lenp'.  Returns 0, or EINVAL with a malloc'd message that names
 * the problem in '*errorp' (the caller frees it). */
int jsonrpc_parse_remote(const char *remote, struct sockaddr_storage *ss,
                         socklen_t *lenp, char **errorp);

/* Incremental parser of a stream of concatenated JSON values. */
struct jsonrpc_parser;

/* Creates a parser that accepts values of at most 'max_msg' bytes. */
struct jsonrpc_parser *jsonrpc_parser_create(size_t max_msg);
void jsonrpc_parser_destroy(struct jsonrpc_parser *);

/* Feeds up to 'n' bytes at 'data'.  Sets '*used' to the number of bytes
 * consumed and '*valuep' to a complete value (a new reference the caller
 * owns) or NULL if more bytes are needed; call again with the remaining bytes
 * until they are all used.  Returns 0, or EPROTO (not JSON, nesting too
 * deep, a top-level value that is not an object) or EMSGSIZE (a value over
 * the limit), with a static description in '*errorp'.  After an error the
 * parser is unusable. */
int jsonrpc_parser_feed(struct jsonrpc_parser *, const char *data, size_t n,
                        size_t *used, struct json_object **valuep,
                        const char **errorp);

/* True if the parser is inside a value (bytes were fed that did not complete
 * it): a connection closed now was cut mid-message. */
bool jsonrpc_parser_busy(const struct jsonrpc_parser *);

/* Callbacks of a connection; 'aux' is the jsonrpc_open() argument.  Any of
 * them may call jsonrpc_close() on the connection. */
struct jsonrpc_class {
    /* The connection is established.  May be NULL. */
    void (*connected)(struct jsonrpc *, void *aux);
    /* A notification (a request with a null id) or a request other than
     * "echo" (which is answered with an error after this returns).
     * 'params' is borrowed. */
    void (*notify)(struct jsonrpc *, const char *method,
                   struct json_object *params, void *aux);
    /* The connection failed or was closed: 'error' is a positive errno
     * value (0 for an orderly end of stream), 'reason' says what happened.
     * The connection is dead; the owner must jsonrpc_close() it (possibly
     * right here).  Pending reply callbacks are never called. */
    void (*closed)(struct jsonrpc *, int error, const char *reason, void *aux);
};

/* Called with the reply to a request: exactly one of 'result' and 'error' is
 * non-NULL (both borrowed; 'error' is the JSON-RPC error member). */
typedef void jsonrpc_reply_cb(struct jsonrpc *, struct json_object *result,
                              struct json_object *error, void *aux);

/* Starts connecting to 'remote'.  'probe_interval' is the number of seconds
 * of silence after which an "echo" is sent (and the same again for its
 * reply before the connection is dropped); 0 disables probes.  Returns 0 and
 * the connection in '*rpcp', or a positive errno value with a malloc'd
 * message in '*errorp' if the remote is invalid or the connection failed at
 * once (e.g. ENOENT, ECONNREFUSED). */
int jsonrpc_open(const char *remote, const struct jsonrpc_class *, void *aux,
                 double probe_interval, struct jsonrpc **rpcp, char **errorp);

/* Closes 'rpc' without calling any callback and frees it.  Safe to call from
 * any of its callbacks.  Accepts NULL. */
void jsonrpc_close(struct jsonrpc *rpc);

/* Sends a request for 'method' with 'params' (a JSON array; the reference is
 * stolen).  'cb' (may be NULL) is called with the reply.  Requests made
 * while connecting are sent once connected.  Returns the request id, or -1 if
 * the connection is dead. */
long long jsonrpc_send_request(struct jsonrpc *, const char *method,
                               struct json_object *params,
                               jsonrpc_reply_cb *cb, void *aux);

bool jsonrpc_is_connected(const struct jsonrpc *);
/* The remote as given to jsonrpc_open(). */
const char *jsonrpc_name(const struct jsonrpc *);
/* Bytes waiting to be written. */
size_t jsonrpc_backlog(const struct jsonrpc *);

#endif /* src/jsonrpc.h */
