/* The OVSDB client: learns bridges, ports and interfaces from ovsdb-server.
 *
 * The client connects to the Open_vSwitch database (RFC 7047) through
 * src/jsonrpc.c, checks that the database exists ("list_dbs"), and sends a
 * "monitor" request for the columns vifguard needs:
 *
 *   Bridge      name, datapath_id, fail_mode, controller, ports
 *   Port        name, interfaces, tag, bond_active_slave
 *   Interface   name, type, ofport, external_ids, mac_in_use
 *   Controller  target
 *
 * It keeps those rows in memory, by UUID, applies every "update"
 * notification to them, and after the initial reply and after every update
 * builds a complete vg_host snapshot (src/model.h) for its owner.  A
 * malformed value (a wrong type, a bad UUID, a reference to an unknown row)
 * is logged, rate-limited, with its table, row and column: a bad required
 * column (a name) leaves that row out of the snapshot, any other bad column
 * is taken as empty; other rows are never affected.
 *
 * When the connection drops (ovsdb-server restarts) the client reconnects
 * with exponential backoff (0.1 s to 8 s), monitors again and delivers a
 * fresh complete snapshot.  While it is disconnected the owner keeps the last
 * snapshot: 'changed' is called only when there is new data. */
#ifndef VG_OVSDB_H
#define VG_OVSDB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct ofp_buf;
struct vg_host;

struct ovsdb_client;

/* Called with each new snapshot.  'host' belongs to the client and is valid
 * until the next call or ovsdb_client_destroy(); copy what you keep.  Must
 * not destroy the client. */
typedef void ovsdb_changed_cb(void *aux, const struct vg_host *host);

/* Creates a client for 'remote' ("unix:PATH" or "tcp:IP:PORT"), which
 * starts connecting as soon as the event loop runs.  Returns NULL, after
 * logging why, if 'remote' is invalid (jsonrpc_parse_remote() checks a
 * remote without side effects). */
struct ovsdb_client *ovsdb_client_create(const char *remote,
                                         ovsdb_changed_cb *changed, void *aux);
void ovsdb_client_destroy(struct ovsdb_client *);

/* True while the client is connected and monitoring (it has received the
 * initial contents of the database on the current connection). */
bool ovsdb_client_is_connected(const struct ovsdb_client *);

/* Sets the keepalive: an "echo" after 'seconds' of silence, and as long
 * again for an answer (default 10; 0 disables).  Applies to connections
 * made after the call (call it right after ovsdb_client_create()). */
void ovsdb_client_set_probe_interval(struct ovsdb_client *, double seconds);

/* The last snapshot delivered (empty before the first one). */
const struct vg_host *ovsdb_client_host(const struct ovsdb_client *);

struct ovsdb_client_stats {
    uint64_t updates;     /* "update" notifications received. */
    uint64_t snapshots;   /* Snapshots delivered (calls to 'changed'). */
    uint64_t connects;    /* Successful monitor setups. */
    uint64_t disconnects; /* Connections lost or failed. */
    uint64_t malformed;   /* Malformed values, rows or messages seen. */
};
void ovsdb_client_get_stats(const struct ovsdb_client *,
                            struct ovsdb_client_stats *);

/* Internals exposed for the unit tests and the fuzzer: pure functions over
 * json-c values, no I/O. */

/* Types of OVSDB atoms (RFC 7047 section 5.1). */
enum ovsdb_atype {
    OVSDB_T_VOID, /* No values: the datum is a set. */
    OVSDB_T_INTEGER,
    OVSDB_T_REAL,
    OVSDB_T_BOOLEAN,
    OVSDB_T_STRING,
    OVSDB_T_UUID,
};

union ovsdb_atom {
    int64_t integer;
    double real;
    bool boolean;
    char *string;  /* Owned, NUL-terminated, no NULs inside. */
    char uuid[37]; /* Lowercase 8-4-4-4-12 hex. */
};

/* A set (values == NULL) or a map of 'n' atoms.  Keys are unique. */
struct ovsdb_datum {
    size_t n;
    union ovsdb_atom *keys;
    union ovsdb_atom *values;
};

/* Parses 'json' as a datum with atoms of 'key' type and, for a map, 'value'
 * type (OVSDB_T_VOID for a set): a bare atom (a one-element set),
 * ["set", [ATOM...]] or ["map", [[KEY, VALUE]...]].  Returns 0, or EINVAL
 * with a malloc'd description in '*errorp' and an empty '*datum'. */
int ovsdb_datum_from_json(struct ovsdb_datum *datum,
                          const struct json_object *json, enum ovsdb_atype key,
                          enum ovsdb_atype value, char **errorp);
void ovsdb_datum_destroy(struct ovsdb_datum *, enum ovsdb_atype key,
                         enum ovsdb_atype value);

/* True if 's' is a UUID in RFC 4122 text form (any case). */
bool ovsdb_uuid_is_valid(const char *s);

/* Parses Bridge.datapath_id text (1 to 16 hex digits) into '*dpid'. */
bool ovsdb_parse_dpid(const char *s, uint64_t *dpid);

/* The in-memory replica of the monitored tables. */
struct ovsdb_db;

struct ovsdb_db *ovsdb_db_create(void);
void ovsdb_db_destroy(struct ovsdb_db *);
void ovsdb_db_clear(struct ovsdb_db *);

/* Applies <table-updates> 'updates' (the monitor reply or the second
 * parameter of an "update" notification) to 'db'.  Malformed parts are
 * logged and skipped or taken as empty, as described above.  Returns the
 * number of malformed items found (0 if all was well). */
unsigned int ovsdb_db_apply(struct ovsdb_db *,
                            const struct json_object *updates);

/* Builds the snapshot of 'db' into 'host' (initialized by the caller;
 * vg_host_destroy() frees it).  Returns the number of problems found
 * (references to unknown rows, duplicate names). */
unsigned int ovsdb_db_build(const struct ovsdb_db *, struct vg_host *host);
/* The same, taking over from 'prev' (the previous snapshot, or NULL) what
 * did not change instead of copying it: whole interfaces, if 'prev' was
 * built from 'db' and neither their Interface nor their Port row changed
 * since; else the unchanged strings.  'prev' is left valid but incomplete
 * (such strings NULL): the caller may only destroy it. */
unsigned int ovsdb_db_rebuild(const struct ovsdb_db *, struct vg_host *prev,
                              struct vg_host *host);

/* Number of rows in 'table' ("Bridge", "Port", "Interface", "Controller"),
 * including rows left out of snapshots. */
size_t ovsdb_db_n_rows(const struct ovsdb_db *, const char *table);

/* Appends to 'out' a stable text form of 'host': one line per bridge and
 * one per interface, strings in JSON quoting (for logs and tests). */
void ovsdb_format_host(const struct vg_host *host, struct ofp_buf *out);

/* The params of the "monitor" request (a new reference). */
struct json_object *ovsdb_monitor_params(void);

#endif /* src/ovsdb.h */
