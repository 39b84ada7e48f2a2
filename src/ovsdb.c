/* The OVSDB client.  See ovsdb.h.
 *
 * Three layers, bottom up:
 *
 *   - Datum parsing (ovsdb_datum_from_json()): RFC 7047 atoms, sets and maps
 *     into typed C arrays.
 *   - The replica (struct ovsdb_db): one json-c linkhash per table, from
 *     UUID to a typed row holding the monitored columns.  ovsdb_db_apply()
 *     applies <table-updates> (from the "monitor" reply or an "update"
 *     notification); ovsdb_db_build() joins Bridge -> Port -> Interface
 *     (and Bridge -> Controller and Mirror, and the Manager rows for in-band
 *     control) into a vg_host.  Both are pure apart from
 *     rate-limited logging.
 *   - The client (struct ovsdb_client): the connection state machine
 *     (list_dbs, monitor, updates, reconnect with backoff).
 *
 * We use "monitor" (not "monitor_cond"): every "update" then carries, for a
 * new or modified row, the full new contents of its monitored columns, and
 * for a deleted row no "new" member at all.  Columns missing from a "new"
 * keep their previous value, so a partial "new" is handled as well. */
#include <config.h>
#include "src/ovsdb.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp/buf.h"
#include "src/jsonrpc.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/model.h"

#define SUBSYS "ovsdb"

#define DB_NAME "Open_vSwitch"
#define MONITOR_ID "vifguard"
#define BACKOFF_MIN 0.1
#define BACKOFF_MAX 8.0
#define PROBE_DEFAULT 10.0

/* Malformed data from the server.  Peer-caused: rate-limited. */
static struct vg_ratelimit bad_rl = VG_RATELIMIT_INIT(5, 50);

/* Compact JSON text of 'json' for error messages (owned by 'json'). */
static const char *
json_text__(const struct json_object *json)
{
    return json ? json_object_to_json_string_ext((struct json_object *)json,
                                                 JSON_C_TO_STRING_PLAIN)
                : "null";
}

/* Atoms and datums. */

static const char *
atype_name__(enum ovsdb_atype type)
{
    switch (type) {
    case OVSDB_T_INTEGER:
        return "integer";
    case OVSDB_T_REAL:
        return "real";
    case OVSDB_T_BOOLEAN:
        return "boolean";
    case OVSDB_T_STRING:
        return "string";
    case OVSDB_T_UUID:
        return "uuid";
    case OVSDB_T_VOID:
    default:
        return "void";
    }
}

bool
ovsdb_uuid_is_valid(const char *s)
{
    static const int dashes[] = { 8, 13, 18, 23 };
    size_t d = 0;

    for (size_t i = 0; i < 36; i++) {
        if (d < 4 && (size_t)dashes[d] == i) {
            if (s[i] != '-') {
                return false;
            }
            d++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return s[36] == '\0';
}

bool
ovsdb_parse_dpid(const char *s, uint64_t *dpid)
{
    uint64_t v = 0;
    size_t n = strlen(s);

    if (n < 1 || n > 16) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (!isxdigit(c)) {
            return false;
        }
        v = (v << 4) |
            (uint64_t)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
    }
    *dpid = v;
    return true;
}

/* True if the 'n' bytes at 's' are valid UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static bool
utf8_is_valid__(const char *s_, size_t n)
{
    const unsigned char *s = (const unsigned char *)s_;

    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len) {
            return false;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
            return false;
        }
        i += len;
    }
    return true;
}

static void
atom_destroy__(union ovsdb_atom *atom, enum ovsdb_atype type)
{
    if (type == OVSDB_T_STRING) {
        free(atom->string);
        atom->string = NULL;
    }
}

/* Parses 'json' as an atom of 'type' into '*atom'.  Returns NULL or a
 * malloc'd error message. */
static char *
atom_from_json__(union ovsdb_atom *atom, enum ovsdb_atype type,
                 const struct json_object *json)
{
    memset(atom, 0, sizeof *atom);
    switch (type) {
    case OVSDB_T_INTEGER:
        if (json_object_is_type(json, json_type_int)) {
            int64_t v = json_object_get_int64(json);
            if (v == INT64_MAX &&
                json_object_get_uint64(json) > (uint64_t)INT64_MAX) {
                break;
            }
            atom->integer = v;
            return NULL;
        }
        break;
    case OVSDB_T_REAL:
        if (json_object_is_type(json, json_type_int) ||
            json_object_is_type(json, json_type_double)) {
            atom->real = json_object_get_double(json);
            return NULL;
        }
        break;
    case OVSDB_T_BOOLEAN:
        if (json_object_is_type(json, json_type_boolean)) {
            atom->boolean = json_object_get_boolean(json);
            return NULL;
        }
        break;
    case OVSDB_T_STRING:
        if (json_object_is_type(json, json_type_string)) {
            const char *s = json_object_get_string((struct json_object *)json);
            size_t len = (size_t)json_object_get_string_len(json);
            if (strlen(s) != len) {
                return ofp_xasprintf("string contains a NUL character");
            }
            if (!utf8_is_valid__(s, len)) {
                return ofp_xasprintf("string is not valid UTF-8");
            }
            atom->string = ofp_xstrdup(s);
            return NULL;
        }
        break;
    case OVSDB_T_UUID:
        if (json_object_is_type(json, json_type_array) &&
            json_object_array_length(json) == 2) {
            const struct json_object *tag, *val;
            tag = json_object_array_get_idx(json, 0);
            val = json_object_array_get_idx(json, 1);
            if (json_object_is_type(tag, json_type_string) &&
                !strcmp(json_object_get_string((struct json_object *)tag),
                        "uuid") &&
                json_object_is_type(val, json_type_string)) {
                const char *s =
                    json_object_get_string((struct json_object *)val);
                if (!ovsdb_uuid_is_valid(s)) {
                    return ofp_xasprintf("bad uuid \"%.40s\"", s);
                }
                for (size_t i = 0; i < 36; i++) {
                    atom->uuid[i] = (char)tolower((unsigned char)s[i]);
                }
                atom->uuid[36] = '\0';
                return NULL;
            }
        }
        break;
    case OVSDB_T_VOID:
    default:
        break;
    }
    return ofp_xasprintf("expected %s, got %.80s", atype_name__(type),
                         json_text__(json));
}

static int
atom_cmp__(const union ovsdb_atom *a, const union ovsdb_atom *b,
           enum ovsdb_atype type)
{
    switch (type) {
    case OVSDB_T_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case OVSDB_T_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case OVSDB_T_BOOLEAN:
        return (int)a->boolean - (int)b->boolean;
    case OVSDB_T_STRING:
        return strcmp(a->string, b->string);
    case OVSDB_T_UUID:
        return strcmp(a->uuid, b->uuid);
    case OVSDB_T_VOID:
    default:
        return 0;
    }
}

/* A key and its value, for sorting a datum. */
struct atom_pair__ {
    union ovsdb_atom key;
    union ovsdb_atom value;
};

static int
pair_cmp__(const void *a_, const void *b_, void *type_)
{
    const struct atom_pair__ *a = a_, *b = b_;
    return atom_cmp__(&a->key, &b->key, *(const enum ovsdb_atype *)type_);
}

/* Sorts 'datum' by key and checks that keys are unique.  Returns NULL or a
 * malloc'd error message. */
static char *
datum_sort__(struct ovsdb_datum *datum, enum ovsdb_atype key)
{
    if (datum->n < 2) {
        return NULL;
    }
    struct atom_pair__ *pairs = ofp_xcalloc(datum->n, sizeof *pairs);
    for (size_t i = 0; i < datum->n; i++) {
        pairs[i].key = datum->keys[i];
        if (datum->values) {
            pairs[i].value = datum->values[i];
        }
    }
    qsort_r(pairs, datum->n, sizeof *pairs, pair_cmp__, &key);
    char *error = NULL;
    for (size_t i = 0; i < datum->n; i++) {
        datum->keys[i] = pairs[i].key;
        if (datum->values) {
            datum->values[i] = pairs[i].value;
        }
        if (i && !error &&
            !atom_cmp__(&pairs[i - 1].key, &pairs[i].key, key)) {
            error = ofp_xasprintf("duplicate %s",
                                  datum->values ? "map key" : "set element");
        }
    }
    free(pairs);
    return error;
}

void
ovsdb_datum_destroy(struct ovsdb_datum *datum, enum ovsdb_atype key,
                    enum ovsdb_atype value)
{
    if (!datum) {
        return;
    }
    for (size_t i = 0; i < datum->n; i++) {
        atom_destroy__(&datum->keys[i], key);
        if (datum->values) {
            atom_destroy__(&datum->values[i], value);
        }
    }
    free(datum->keys);
    free(datum->values);
    memset(datum, 0, sizeof *datum);
}

/* Returns the tag ("set", "map") of 'json' if it is a 2-element array
 * starting with a string, else NULL. */
static const char *
datum_tag__(const struct json_object *json)
{
    if (json_object_is_type(json, json_type_array) &&
        json_object_array_length(json) == 2) {
        struct json_object *tag = json_object_array_get_idx(json, 0);
        if (json_object_is_type(tag, json_type_string)) {
            return json_object_get_string(tag);
        }
    }
    return NULL;
}

int
ovsdb_datum_from_json(struct ovsdb_datum *datum,
                      const struct json_object *json, enum ovsdb_atype key,
                      enum ovsdb_atype value, char **errorp)
{
    const char *tag = datum_tag__(json);
    bool is_map = value != OVSDB_T_VOID;
    char *error = NULL;

    memset(datum, 0, sizeof *datum);
    *errorp = NULL;

    if (tag && (!strcmp(tag, "set") || !strcmp(tag, "map"))) {
        struct json_object *elems = json_object_array_get_idx(json, 1);
        if (strcmp(tag, is_map ? "map" : "set")) {
            *errorp = ofp_xasprintf("expected a %s, got a %s",
                                    is_map ? "map" : "set", tag);
            return EINVAL;
        }
        if (!json_object_is_type(elems, json_type_array)) {
            *errorp = ofp_xasprintf("%s elements are not an array", tag);
            return EINVAL;
        }
        size_t n = json_object_array_length(elems);
        datum->keys = n ? ofp_xcalloc(n, sizeof *datum->keys) : NULL;
        if (is_map) {
            datum->values = ofp_xcalloc(n ? n : 1, sizeof *datum->values);
        }
        for (size_t i = 0; i < n && !error; i++) {
            struct json_object *elem = json_object_array_get_idx(elems, i);
            if (!is_map) {
                error = atom_from_json__(&datum->keys[i], key, elem);
            } else if (!json_object_is_type(elem, json_type_array) ||
                       json_object_array_length(elem) != 2) {
                error = ofp_xasprintf("map element is not a [key, value] "
                                      "pair: %.80s",
                                      json_text__(elem));
            } else {
                error = atom_from_json__(&datum->keys[i], key,
                                         json_object_array_get_idx(elem, 0));
                if (!error) {
                    error =
                        atom_from_json__(&datum->values[i], value,
                                         json_object_array_get_idx(elem, 1));
                    if (error) {
                        atom_destroy__(&datum->keys[i], key);
                    }
                }
            }
            if (!error) {
                datum->n++;
            }
        }
        if (!error) {
            error = datum_sort__(datum, key);
        }
    } else if (is_map) {
        error = ofp_xasprintf("expected a map, got %.80s", json_text__(json));
    } else {
        /* A bare atom: a set with one element. */
        datum->keys = ofp_xcalloc(1, sizeof *datum->keys);
        error = atom_from_json__(&datum->keys[0], key, json);
        if (!error) {
            datum->n = 1;
        }
    }

    if (error) {
        ovsdb_datum_destroy(datum, key, value);
        *errorp = error;
        return EINVAL;
    }
    return 0;
}

/* The replica. */

enum table_id {
    T_BRIDGE,
    T_PORT,
    T_INTERFACE,
    T_CONTROLLER,
    T_MANAGER,
    T_MIRROR,
    T_SFLOW,
    T_NETFLOW,
    T_IPFIX,
    N_TABLES
};

struct uuid_set {
    char (*uuids)[37];
    size_t n;
};

struct row {
    char uuid[37]; /* Hash key; must stay first-class. */
    enum table_id table;
    uint64_t gen; /* The replica's 'gen' when it was inserted or last
                   * updated. */
    char *name;   /* name (Controller, Manager: target); NULL: bad. */
    union {
        struct {
            uint64_t dpid;
            char *fail_mode; /* Never NULL once set; "" if empty. */
            bool stp, rstp, mcast_snooping; /* *_enable is [true]. */
            bool no_in_band; /* other_config:disable-in-band="true". */
            struct uuid_set controllers;
            struct uuid_set ports;
            struct uuid_set mirrors;
            struct uuid_set samplers[3]; /* sflow, netflow, ipfix. */
        } br;
        struct {
            struct uuid_set ifaces;
            int tag;           /* -1: none. */
            char *vlan_mode;   /* NULL if empty. */
            bool trunks;       /* Non-empty trunks. */
            char *bond_mode;   /* NULL if empty. */
            bool lacp;         /* "active" or "passive". */
            char *bond_active; /* bond_active_slave, NULL if empty. */
            bool stp_off;      /* other_config:stp-enable="false". */
            bool rstp_off;     /* other_config:rstp-enable="false". */
        } port;
        struct {
            char *type;
            int64_t ofport;       /* 0: [] (not assigned yet). */
            char *mac_in_use;     /* NULL if empty. */
            bool lacp_current;    /* lacp_current is [true]. */
            unsigned link_protos; /* VG_LP_CFM, _BFD, _LLDP (model.h). */
            struct vg_kv *ext;    /* external_ids, sorted by key. */
            size_t n_ext;
        } iface;
        struct {
            bool out_of_band; /* connection_mode is "out-of-band". */
        } remote;             /* Controller, Manager. */
        struct {
            char output_port[37]; /* "" if none. */
            int output_vlan;      /* -1: none. */
            bool select_all;
        } mirror;
        struct {
            char **targets; /* "IP:PORT"... */
            size_t n;
        } sampler; /* sFlow, NetFlow, IPFIX. */
    } u;
};

/* Sets a column of a row from a parsed datum ('d' already checked against
 * the column's size limits; the setter may steal its strings) or, if 'd' is
 * NULL, to its empty value.  Returns NULL or a malloc'd message if the
 * value is semantically invalid (then the column is left empty). */
typedef char *column_set_fn(struct row *, struct ovsdb_datum *d);

/* What a malformed value of a column means for its row. */
enum column_kind {
    COL_OPTIONAL, /* Taken as empty. */
    COL_REQUIRED, /* Exactly one element, else the row is bad. */
    COL_STRICT,   /* The row is bad: an empty value would weaken a port's
                   * protection (a guest's external_ids, a VLAN tag). */
};

struct column {
    const char *name;
    enum ovsdb_atype key, value;
    size_t max; /* At most this many elements. */
    enum column_kind kind;
    column_set_fn *set;
};

struct table {
    const char *name;
    const struct column *columns;
    size_t n_columns;
};

struct ovsdb_db {
    struct lh_table *rows[N_TABLES]; /* UUID string -> struct row. */
    uint64_t id;  /* Unique in the process, for snapshots' stamps. */
    uint64_t gen; /* Bumped by every ovsdb_db_apply(). */
};

static void
uuid_set_clear__(struct uuid_set *set)
{
    free(set->uuids);
    set->uuids = NULL;
    set->n = 0;
}

static void
uuid_set_from_datum__(struct uuid_set *set, const struct ovsdb_datum *d)
{
    uuid_set_clear__(set);
    if (d && d->n) {
        set->uuids = ofp_xcalloc(d->n, sizeof *set->uuids);
        for (size_t i = 0; i < d->n; i++) {
            memcpy(set->uuids[i], d->keys[i].uuid, 37);
        }
        set->n = d->n;
    }
}

/* Steals the only string of 'd' (or returns NULL if 'd' is NULL/empty). */
static char *
steal_string__(struct ovsdb_datum *d)
{
    if (d && d->n) {
        char *s = d->keys[0].string;
        d->keys[0].string = NULL;
        return s;
    }
    return NULL;
}

static char *
set_name__(struct row *row, struct ovsdb_datum *d)
{
    free(row->name);
    row->name = steal_string__(d);
    if (row->name && !row->name[0]) {
        free(row->name);
        row->name = NULL;
        return ofp_xasprintf("empty name");
    }
    return NULL;
}

static char *
set_br_dpid__(struct row *row, struct ovsdb_datum *d)
{
    row->u.br.dpid = 0;
    if (d && d->n && !ovsdb_parse_dpid(d->keys[0].string, &row->u.br.dpid)) {
        return ofp_xasprintf("\"%.40s\" is not a datapath id",
                             d->keys[0].string);
    }
    return NULL;
}

static char *
set_br_fail_mode__(struct row *row, struct ovsdb_datum *d)
{
    char *s = steal_string__(d);
    free(row->u.br.fail_mode);
    row->u.br.fail_mode = s ? s : ofp_xstrdup("");
    return NULL;
}

/* A boolean column: true only if it holds [true]. */
static bool
bool_of__(const struct ovsdb_datum *d)
{
    return d && d->n && d->keys[0].boolean;
}

static char *
set_br_stp__(struct row *row, struct ovsdb_datum *d)
{
    row->u.br.stp = bool_of__(d);
    return NULL;
}

static char *
set_br_rstp__(struct row *row, struct ovsdb_datum *d)
{
    row->u.br.rstp = bool_of__(d);
    return NULL;
}

static char *
set_br_mcast_snooping__(struct row *row, struct ovsdb_datum *d)
{
    row->u.br.mcast_snooping = bool_of__(d);
    return NULL;
}

/* Bridge.other_config: only whether in-band control is off, which OVS
 * takes from exactly "true" (smap_get_bool()). */
static char *
set_br_other_config__(struct row *row, struct ovsdb_datum *d)
{
    row->u.br.no_in_band = false;
    for (size_t i = 0; d && i < d->n; i++) {
        if (!strcmp(d->keys[i].string, "disable-in-band")) {
            row->u.br.no_in_band = !strcasecmp(d->values[i].string, "true");
        }
    }
    return NULL;
}

static char *
set_br_controllers__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.br.controllers, d);
    return NULL;
}

static char *
set_br_ports__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.br.ports, d);
    return NULL;
}

static char *
set_br_mirrors__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.br.mirrors, d);
    return NULL;
}

static char *
set_br_sflow__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.br.samplers[0], d);
    return NULL;
}

static char *
set_br_netflow__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.br.samplers[1], d);
    return NULL;
}

static char *
set_br_ipfix__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.br.samplers[2], d);
    return NULL;
}

static void
sampler_clear__(struct row *row)
{
    for (size_t i = 0; i < row->u.sampler.n; i++) {
        free(row->u.sampler.targets[i]);
    }
    free(row->u.sampler.targets);
    row->u.sampler.targets = NULL;
    row->u.sampler.n = 0;
}

/* sFlow, NetFlow, IPFIX: where the bridge sends what it samples. */
static char *
set_sampler_targets__(struct row *row, struct ovsdb_datum *d)
{
    sampler_clear__(row);
    if (d && d->n) {
        row->u.sampler.targets =
            ofp_xcalloc(d->n, sizeof *row->u.sampler.targets);
        for (size_t i = 0; i < d->n; i++) {
            row->u.sampler.targets[i] = d->keys[i].string;
            d->keys[i].string = NULL;
        }
        row->u.sampler.n = d->n;
    }
    return NULL;
}

static char *
set_port_ifaces__(struct row *row, struct ovsdb_datum *d)
{
    uuid_set_from_datum__(&row->u.port.ifaces, d);
    return NULL;
}

static char *
set_port_tag__(struct row *row, struct ovsdb_datum *d)
{
    row->u.port.tag = -1;
    if (d && d->n) {
        int64_t v = d->keys[0].integer;
        if (v < 0 || v > 4095) {
            return ofp_xasprintf("VLAN %" PRId64 " out of range 0..4095", v);
        }
        row->u.port.tag = (int)v;
    }
    return NULL;
}

static char *
set_port_vlan_mode__(struct row *row, struct ovsdb_datum *d)
{
    free(row->u.port.vlan_mode);
    row->u.port.vlan_mode = steal_string__(d);
    return NULL;
}

static char *
set_port_trunks__(struct row *row, struct ovsdb_datum *d)
{
    row->u.port.trunks = d && d->n;
    return NULL;
}

static char *
set_port_bond_mode__(struct row *row, struct ovsdb_datum *d)
{
    free(row->u.port.bond_mode);
    row->u.port.bond_mode = steal_string__(d);
    return NULL;
}

static char *
set_port_lacp__(struct row *row, struct ovsdb_datum *d)
{
    char *s = steal_string__(d);
    row->u.port.lacp = s && (!strcmp(s, "active") || !strcmp(s, "passive"));
    free(s);
    return NULL;
}

static char *
set_port_bond_active__(struct row *row, struct ovsdb_datum *d)
{
    free(row->u.port.bond_active);
    row->u.port.bond_active = steal_string__(d);
    return NULL;
}

/* Port.other_config: only whether the port is kept out of (R)STP, which
 * OVS does for "false" in any case (smap_get_bool()). */
static char *
set_port_other_config__(struct row *row, struct ovsdb_datum *d)
{
    row->u.port.stp_off = row->u.port.rstp_off = false;
    for (size_t i = 0; d && i < d->n; i++) {
        const char *key = d->keys[i].string;
        bool off = !strcasecmp(d->values[i].string, "false");
        if (!strcmp(key, "stp-enable")) {
            row->u.port.stp_off = off;
        } else if (!strcmp(key, "rstp-enable")) {
            row->u.port.rstp_off = off;
        }
    }
    return NULL;
}

static char *
set_iface_type__(struct row *row, struct ovsdb_datum *d)
{
    char *s = steal_string__(d);
    free(row->u.iface.type);
    row->u.iface.type = s ? s : ofp_xstrdup("");
    return NULL;
}

static char *
set_iface_ofport__(struct row *row, struct ovsdb_datum *d)
{
    row->u.iface.ofport = 0;
    if (d && d->n) {
        int64_t v = d->keys[0].integer;
        if (v < -1 || v > 65535) {
            return ofp_xasprintf("ofport %" PRId64 " out of range", v);
        }
        row->u.iface.ofport = v;
    }
    return NULL;
}

static char *
set_iface_mac__(struct row *row, struct ovsdb_datum *d)
{
    free(row->u.iface.mac_in_use);
    row->u.iface.mac_in_use = steal_string__(d);
    return NULL;
}

static char *
set_iface_lacp_current__(struct row *row, struct ovsdb_datum *d)
{
    row->u.iface.lacp_current = d && d->n && d->keys[0].boolean;
    return NULL;
}

/* Sets or clears 'bit' of the interface's link protocols. */
static void
set_iface_link_proto__(struct row *row, unsigned bit, bool on)
{
    row->u.iface.link_protos =
        on ? row->u.iface.link_protos | bit : row->u.iface.link_protos & ~bit;
}

static char *
set_iface_cfm__(struct row *row, struct ovsdb_datum *d)
{
    set_iface_link_proto__(row, VG_LP_CFM, d && d->n);
    return NULL;
}

/* Whether map 'd' has "enable" set to "true", as Open vSwitch reads it
 * for BFD and LLDP (smap_get_bool(), any case). */
static bool
map_enabled__(const struct ovsdb_datum *d)
{
    for (size_t i = 0; d && i < d->n; i++) {
        if (!strcmp(d->keys[i].string, "enable")) {
            return !strcasecmp(d->values[i].string, "true");
        }
    }
    return false;
}

static char *
set_iface_bfd__(struct row *row, struct ovsdb_datum *d)
{
    set_iface_link_proto__(row, VG_LP_BFD, map_enabled__(d));
    return NULL;
}

static char *
set_iface_lldp__(struct row *row, struct ovsdb_datum *d)
{
    set_iface_link_proto__(row, VG_LP_LLDP, map_enabled__(d));
    return NULL;
}

static void
iface_ext_clear__(struct row *row)
{
    for (size_t i = 0; i < row->u.iface.n_ext; i++) {
        free(row->u.iface.ext[i].key);
        free(row->u.iface.ext[i].value);
    }
    free(row->u.iface.ext);
    row->u.iface.ext = NULL;
    row->u.iface.n_ext = 0;
}

/* Controller.connection_mode, Manager.connection_mode: anything but
 * "out-of-band" (empty included) is in-band for OVS. */
static char *
set_remote_mode__(struct row *row, struct ovsdb_datum *d)
{
    row->u.remote.out_of_band =
        d && d->n && !strcmp(d->keys[0].string, "out-of-band");
    return NULL;
}

static char *
set_mirror_output_port__(struct row *row, struct ovsdb_datum *d)
{
    row->u.mirror.output_port[0] = '\0';
    if (d && d->n) {
        memcpy(row->u.mirror.output_port, d->keys[0].uuid, 37);
    }
    return NULL;
}

static char *
set_mirror_output_vlan__(struct row *row, struct ovsdb_datum *d)
{
    row->u.mirror.output_vlan = -1;
    if (d && d->n) {
        int64_t v = d->keys[0].integer;
        if (v < 1 || v > 4095) {
            return ofp_xasprintf("VLAN %" PRId64 " out of range 1..4095", v);
        }
        row->u.mirror.output_vlan = (int)v;
    }
    return NULL;
}

static char *
set_mirror_select_all__(struct row *row, struct ovsdb_datum *d)
{
    row->u.mirror.select_all = bool_of__(d);
    return NULL;
}

static char *
set_iface_ext__(struct row *row, struct ovsdb_datum *d)
{
    iface_ext_clear__(row);
    if (d && d->n) {
        /* The datum is sorted by key already. */
        row->u.iface.ext = ofp_xcalloc(d->n, sizeof *row->u.iface.ext);
        for (size_t i = 0; i < d->n; i++) {
            row->u.iface.ext[i].key = d->keys[i].string;
            row->u.iface.ext[i].value = d->values[i].string;
            d->keys[i].string = d->values[i].string = NULL;
        }
        row->u.iface.n_ext = d->n;
    }
    return NULL;
}

#define T_(TYPE) OVSDB_T_##TYPE
static const struct column bridge_columns[] = {
    { "name", T_(STRING), T_(VOID), 1, COL_REQUIRED, set_name__ },
    { "datapath_id", T_(STRING), T_(VOID), 1, COL_OPTIONAL, set_br_dpid__ },
    { "fail_mode", T_(STRING), T_(VOID), 1, COL_OPTIONAL, set_br_fail_mode__ },
    { "controller", T_(UUID), T_(VOID), SIZE_MAX, COL_OPTIONAL,
      set_br_controllers__ },
    { "ports", T_(UUID), T_(VOID), SIZE_MAX, COL_OPTIONAL, set_br_ports__ },
    { "stp_enable", T_(BOOLEAN), T_(VOID), 1, COL_OPTIONAL, set_br_stp__ },
    { "rstp_enable", T_(BOOLEAN), T_(VOID), 1, COL_OPTIONAL, set_br_rstp__ },
    { "mcast_snooping_enable", T_(BOOLEAN), T_(VOID), 1, COL_OPTIONAL,
      set_br_mcast_snooping__ },
    { "other_config", T_(STRING), T_(STRING), SIZE_MAX, COL_OPTIONAL,
      set_br_other_config__ },
    { "mirrors", T_(UUID), T_(VOID), SIZE_MAX, COL_OPTIONAL,
      set_br_mirrors__ },
    { "sflow", T_(UUID), T_(VOID), 1, COL_OPTIONAL, set_br_sflow__ },
    { "netflow", T_(UUID), T_(VOID), 1, COL_OPTIONAL, set_br_netflow__ },
    { "ipfix", T_(UUID), T_(VOID), 1, COL_OPTIONAL, set_br_ipfix__ },
};

static const struct column port_columns[] = {
    { "name", T_(STRING), T_(VOID), 1, COL_REQUIRED, set_name__ },
    { "interfaces", T_(UUID), T_(VOID), SIZE_MAX, COL_OPTIONAL,
      set_port_ifaces__ },
    { "tag", T_(INTEGER), T_(VOID), 1, COL_STRICT, set_port_tag__ },
    { "vlan_mode", T_(STRING), T_(VOID), 1, COL_STRICT, set_port_vlan_mode__ },
    { "trunks", T_(INTEGER), T_(VOID), 4096, COL_STRICT, set_port_trunks__ },
    { "bond_mode", T_(STRING), T_(VOID), 1, COL_OPTIONAL,
      set_port_bond_mode__ },
    { "lacp", T_(STRING), T_(VOID), 1, COL_OPTIONAL, set_port_lacp__ },
    { "bond_active_slave", T_(STRING), T_(VOID), 1, COL_OPTIONAL,
      set_port_bond_active__ },
    { "other_config", T_(STRING), T_(STRING), SIZE_MAX, COL_OPTIONAL,
      set_port_other_config__ },
};

static const struct column iface_columns[] = {
    { "name", T_(STRING), T_(VOID), 1, COL_REQUIRED, set_name__ },
    { "type", T_(STRING), T_(VOID), 1, COL_OPTIONAL, set_iface_type__ },
    { "ofport", T_(INTEGER), T_(VOID), 1, COL_OPTIONAL, set_iface_ofport__ },
    { "external_ids", T_(STRING), T_(STRING), SIZE_MAX, COL_STRICT,
      set_iface_ext__ },
    { "mac_in_use", T_(STRING), T_(VOID), 1, COL_OPTIONAL, set_iface_mac__ },
    { "lacp_current", T_(BOOLEAN), T_(VOID), 1, COL_OPTIONAL,
      set_iface_lacp_current__ },
    { "cfm_mpid", T_(INTEGER), T_(VOID), 1, COL_OPTIONAL, set_iface_cfm__ },
    { "bfd", T_(STRING), T_(STRING), SIZE_MAX, COL_OPTIONAL, set_iface_bfd__ },
    { "lldp", T_(STRING), T_(STRING), SIZE_MAX, COL_OPTIONAL,
      set_iface_lldp__ },
};

/* Controller and Manager alike. */
static const struct column remote_columns[] = {
    { "target", T_(STRING), T_(VOID), 1, COL_REQUIRED, set_name__ },
    { "connection_mode", T_(STRING), T_(VOID), 1, COL_OPTIONAL,
      set_remote_mode__ },
};

/* What is needed to tell whether a mirror sends copies to a guest port
 * (model.h, vg_mirror_outputs_to()).  A malformed output column is taken
 * as empty like OVS's other columns we only report on: ovsdb-server checks
 * every value against the schema, and no flow of ours depends on it. */
static const struct column mirror_columns[] = {
    { "name", T_(STRING), T_(VOID), 1, COL_REQUIRED, set_name__ },
    { "output_port", T_(UUID), T_(VOID), 1, COL_OPTIONAL,
      set_mirror_output_port__ },
    { "output_vlan", T_(INTEGER), T_(VOID), 1, COL_OPTIONAL,
      set_mirror_output_vlan__ },
    { "select_all", T_(BOOLEAN), T_(VOID), 1, COL_OPTIONAL,
      set_mirror_select_all__ },
};
/* sFlow, NetFlow and IPFIX alike: only where they send samples. */
static const struct column sampler_columns[] = {
    { "targets", T_(STRING), T_(VOID), SIZE_MAX, COL_OPTIONAL,
      set_sampler_targets__ },
};
#undef T_

#define TABLE_(NAME, COLUMNS)                           \
    {                                                   \
        NAME, COLUMNS, sizeof COLUMNS / sizeof *COLUMNS \
    }
static const struct table tables[N_TABLES] = {
    [T_BRIDGE] = TABLE_("Bridge", bridge_columns),
    [T_PORT] = TABLE_("Port", port_columns),
    [T_INTERFACE] = TABLE_("Interface", iface_columns),
    [T_CONTROLLER] = TABLE_("Controller", remote_columns),
    [T_MANAGER] = TABLE_("Manager", remote_columns),
    [T_MIRROR] = TABLE_("Mirror", mirror_columns),
    [T_SFLOW] = TABLE_("sFlow", sampler_columns),
    [T_NETFLOW] = TABLE_("NetFlow", sampler_columns),
    [T_IPFIX] = TABLE_("IPFIX", sampler_columns),
};
#undef TABLE_

static int
table_by_name__(const char *name)
{
    for (int i = 0; i < N_TABLES; i++) {
        if (!strcmp(tables[i].name, name)) {
            return i;
        }
    }
    return -1;
}

static void
row_free__(struct row *row)
{
    free(row->name);
    switch (row->table) {
    case T_BRIDGE:
        free(row->u.br.fail_mode);
        uuid_set_clear__(&row->u.br.controllers);
        uuid_set_clear__(&row->u.br.ports);
        uuid_set_clear__(&row->u.br.mirrors);
        for (size_t i = 0; i < 3; i++) {
            uuid_set_clear__(&row->u.br.samplers[i]);
        }
        break;
    case T_PORT:
        uuid_set_clear__(&row->u.port.ifaces);
        free(row->u.port.vlan_mode);
        free(row->u.port.bond_mode);
        free(row->u.port.bond_active);
        break;
    case T_INTERFACE:
        free(row->u.iface.type);
        free(row->u.iface.mac_in_use);
        iface_ext_clear__(row);
        break;
    case T_SFLOW:
    case T_NETFLOW:
    case T_IPFIX:
        sampler_clear__(row);
        break;
    case T_CONTROLLER:
    case T_MANAGER:
    case T_MIRROR:
    case N_TABLES:
    default:
        break;
    }
    free(row);
}

static void
row_entry_free__(struct lh_entry *e)
{
    row_free__(lh_entry_v(e));
}

/* Creates an empty row 'uuid' in 'table' with every column empty. */
static struct row *
row_create__(enum table_id table, const char *uuid)
{
    struct row *row = ofp_xcalloc(1, sizeof *row);
    memcpy(row->uuid, uuid, 37);
    row->table = table;
    for (size_t i = 0; i < tables[table].n_columns; i++) {
        free(tables[table].columns[i].set(row, NULL));
    }
    return row;
}

struct ovsdb_db *
ovsdb_db_create(void)
{
    static uint64_t next_id;
    struct ovsdb_db *db = ofp_xcalloc(1, sizeof *db);
    db->id = ++next_id;
    for (int i = 0; i < N_TABLES; i++) {
        db->rows[i] = lh_kchar_table_new(64, row_entry_free__);
        if (!db->rows[i]) {
            abort();
        }
    }
    return db;
}

void
ovsdb_db_destroy(struct ovsdb_db *db)
{
    if (db) {
        for (int i = 0; i < N_TABLES; i++) {
            lh_table_free(db->rows[i]);
        }
        free(db);
    }
}

void
ovsdb_db_clear(struct ovsdb_db *db)
{
    for (int i = 0; i < N_TABLES; i++) {
        lh_table_free(db->rows[i]);
        db->rows[i] = lh_kchar_table_new(64, row_entry_free__);
        if (!db->rows[i]) {
            abort();
        }
    }
}

size_t
ovsdb_db_n_rows(const struct ovsdb_db *db, const char *table)
{
    int t = table_by_name__(table);
    return t < 0 ? 0 : (size_t)lh_table_length(db->rows[t]);
}

static struct row *
db_find__(const struct ovsdb_db *db, enum table_id table, const char *uuid)
{
    void *v;
    return lh_table_lookup_ex(db->rows[table], uuid, &v) ? v : NULL;
}

/* Logs a malformed value in 'column' of 'row' (rate-limited). */
static void
log_bad_column__(const struct row *row, const char *column, const char *error,
                 bool drops_row)
{
    vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
              "%s row %s%s%s%s: column %s: %s; %s", tables[row->table].name,
              row->uuid, row->name ? " (\"" : "", row->name ? row->name : "",
              row->name ? "\")" : "", column, error,
              drops_row ? "row left out" : "taken as empty");
}

/* Sets the columns of 'row' present in 'new' (a JSON object).  If
 * 'inserted', a missing required column is an error.  Returns the number of
 * malformed columns. */
static unsigned int
row_update__(struct row *row, const struct json_object *new, bool inserted)
{
    const struct table *t = &tables[row->table];
    unsigned int n_bad = 0;

    for (size_t i = 0; i < t->n_columns; i++) {
        const struct column *c = &t->columns[i];
        struct json_object *json;
        struct ovsdb_datum d;
        char *error = NULL;

        if (!json_object_object_get_ex(new, c->name, &json)) {
            if (inserted && c->kind == COL_REQUIRED) {
                log_bad_column__(row, c->name, "missing", true);
                n_bad++;
            }
            continue;
        }
        if (!ovsdb_datum_from_json(&d, json, c->key, c->value, &error)) {
            if (d.n > c->max) {
                error = ofp_xasprintf("%zu values where at most %zu are "
                                      "allowed",
                                      d.n, c->max);
            } else if (c->kind == COL_REQUIRED && d.n != 1) {
                error = ofp_xasprintf("value missing");
            } else {
                error = c->set(row, &d);
            }
            ovsdb_datum_destroy(&d, c->key, c->value);
        }
        if (error) {
            free(c->set(row, NULL));
            log_bad_column__(row, c->name, error, c->kind != COL_OPTIONAL);
            if (c->kind == COL_STRICT) {
                free(row->name); /* Bad until a good update. */
                row->name = NULL;
            }
            free(error);
            n_bad++;
        }
    }
    return n_bad;
}

/* Applies the <table-update> 'tu' of table 't' to 'db'. */
static unsigned int
apply_table__(struct ovsdb_db *db, enum table_id t,
              const struct json_object *tu)
{
    const char *tname = tables[t].name;
    unsigned int n_bad = 0;

    if (!json_object_is_type(tu, json_type_object)) {
        vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                  "update for table %s is not an object: %.80s", tname,
                  json_text__(tu));
        return 1;
    }
    json_object_object_foreach((struct json_object *)tu, key, ru)
    {
        struct json_object *new = NULL;
        char uuid[37];

        if (!ovsdb_uuid_is_valid(key)) {
            vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                      "%s update: bad row uuid \"%.40s\"; ignored", tname,
                      key);
            n_bad++;
            continue;
        }
        for (size_t i = 0; i < 37; i++) {
            uuid[i] = (char)tolower((unsigned char)key[i]);
        }
        if (!json_object_is_type(ru, json_type_object)) {
            vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                      "%s row %s: row update is not an object: %.80s; "
                      "ignored",
                      tname, uuid, json_text__(ru));
            n_bad++;
            continue;
        }

        struct row *row = db_find__(db, t, uuid);
        json_object_object_get_ex(ru, "new", &new);
        if (!new) {
            /* Deleted (with "old", or with nothing at all). */
            if (row) {
                lh_table_delete(db->rows[t], uuid);
            }
        } else if (!json_object_is_type(new, json_type_object)) {
            vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                      "%s row %s: \"new\" is not an object: %.80s; ignored",
                      tname, uuid, json_text__(new));
            n_bad++;
        } else {
            bool inserted = !row;
            if (inserted) {
                row = row_create__(t, uuid);
                if (lh_table_insert(db->rows[t], row->uuid, row)) {
                    abort();
                }
            }
            n_bad += row_update__(row, new, inserted);
            row->gen = db->gen;
        }
    }
    return n_bad;
}

unsigned int
ovsdb_db_apply(struct ovsdb_db *db, const struct json_object *updates)
{
    unsigned int n_bad = 0;

    if (!json_object_is_type(updates, json_type_object)) {
        vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                  "table updates are not an object: %.80s",
                  json_text__(updates));
        return 1;
    }
    db->gen++;
    json_object_object_foreach((struct json_object *)updates, tname, tu)
    {
        int t = table_by_name__(tname);
        if (t < 0) {
            VG_DBG(SUBSYS, "update for unmonitored table %.40s ignored",
                   tname);
            continue;
        }
        n_bad += apply_table__(db, (enum table_id)t, tu);
    }
    return n_bad;
}

/* Snapshots. */

/* Looks up the row 'uuid' in 'table' referenced from column 'column' of
 * 'from'.  Returns it if it is usable; logs a reference to an unknown row
 * and counts it in '*n_bad'. */
static const struct row *
deref__(const struct ovsdb_db *db, const struct row *from, const char *column,
        enum table_id table, const char *uuid, unsigned int *n_bad)
{
    const struct row *row = db_find__(db, table, uuid);
    if (!row) {
        vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                  "%s row %s (\"%s\"): column %s: unknown %s row %s; "
                  "ignored",
                  tables[from->table].name, from->uuid, from->name, column,
                  tables[table].name, uuid);
        (*n_bad)++;
        return NULL;
    }
    /* A row without a name was reported when it arrived. */
    return row->name ? row : NULL;
}

static int
str_cmp__(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* The interfaces of the previous snapshot's bridge of the same name, by
 * UUID.  The new snapshot takes over their strings where they are
 * unchanged (nearly all of them, on an update that plugs one guest) instead
 * of copying them again: without this, every OVSDB update allocated and
 * freed some 20 strings per interface (20,000 at 1000 guests), which cost
 * CPU on the plug path and spread the long-lived snapshot over the heap
 * between short-lived buffers. */
struct prev_ifaces__ {
    struct vg_iface **v; /* Sorted by 'uuid'. */
    size_t n;
};

static int
iface_uuid_cmp__(const void *a_, const void *b_)
{
    const struct vg_iface *const *a = a_, *const *b = b_;
    return strcmp((*a)->uuid, (*b)->uuid);
}

static void
prev_ifaces_init__(struct prev_ifaces__ *prev, struct vg_bridge *br)
{
    prev->n = br ? br->n_ifaces : 0;
    prev->v = prev->n ? ofp_xmalloc(prev->n * sizeof *prev->v) : NULL;
    for (size_t i = 0; i < prev->n; i++) {
        prev->v[i] = &br->ifaces[i];
    }
    if (prev->n > 1) {
        qsort(prev->v, prev->n, sizeof *prev->v, iface_uuid_cmp__);
    }
}

/* The previous snapshot's interface 'uuid', or NULL. */
static struct vg_iface *
prev_ifaces_find__(const struct prev_ifaces__ *prev, const char *uuid)
{
    size_t lo = 0, hi = prev->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(prev->v[mid]->uuid, uuid);
        if (!cmp) {
            return prev->v[mid];
        } else if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* Returns a malloc'd copy of 's' (NULL for NULL), or '*old' itself if it is
 * equal, which then becomes NULL ('old' may be NULL). */
static char *
take_str__(char **old, const char *s)
{
    if (!s) {
        return NULL;
    }
    if (old && *old && !strcmp(*old, s)) {
        char *p = *old;
        *old = NULL;
        return p;
    }
    return ofp_xstrdup(s);
}

/* Sets the external_ids of 'iface' from Interface row 'ir', taking over
 * those of 'old' (may be NULL) if they are the same. */
static void
take_ext__(struct vg_iface *iface, const struct row *ir, struct vg_iface *old)
{
    size_t n = ir->u.iface.n_ext;
    bool same = old && old->n_external_ids == n;

    for (size_t k = 0; same && k < n; k++) {
        same = (!strcmp(old->external_ids[k].key, ir->u.iface.ext[k].key) &&
                !strcmp(old->external_ids[k].value, ir->u.iface.ext[k].value));
    }
    if (same) {
        iface->external_ids = old->external_ids;
        iface->n_external_ids = n;
        old->external_ids = NULL;
        old->n_external_ids = 0;
        return;
    }
    iface->n_external_ids = n;
    if (n) {
        iface->external_ids = ofp_xcalloc(n, sizeof *iface->external_ids);
        for (size_t k = 0; k < n; k++) {
            iface->external_ids[k].key = ofp_xstrdup(ir->u.iface.ext[k].key);
            iface->external_ids[k].value =
                ofp_xstrdup(ir->u.iface.ext[k].value);
        }
    }
}

/* Appends to 'br' (room for every interface was allocated) the interfaces
 * of Port row 'port', taking over from 'prev' the interfaces whose rows did
 * not change since generation 'since' (0: none), when it was built, and the
 * unchanged strings of the others. */
static void
build_port__(const struct ovsdb_db *db, const struct row *port,
             const struct prev_ifaces__ *prev, uint64_t since,
             struct vg_bridge *br, unsigned int *n_bad)
{
    const struct uuid_set *ifaces = &port->u.port.ifaces;
    const char *vlan_mode = port->u.port.vlan_mode;
    const char *bond_mode = port->u.port.bond_mode;
    size_t first = br->n_ifaces;

    for (size_t i = 0; i < ifaces->n; i++) {
        const struct row *ir = deref__(db, port, "interfaces", T_INTERFACE,
                                       ifaces->uuids[i], n_bad);
        if (!ir) {
            continue;
        }
        struct vg_iface *old = prev_ifaces_find__(prev, ir->uuid);
        struct vg_iface *iface = &br->ifaces[br->n_ifaces++];
        /* 'old->name' is NULL once 'old' was taken (its Interface listed
         * in another Port too). */
        if (old && old->name && ir->gen <= since && port->gen <= since &&
            !strcmp(old->port_uuid, port->uuid)) {
            /* Made of these two rows as they are now. */
            vg_iface_move(iface, old);
            continue;
        }
        memset(iface, 0, sizeof *iface);
        memcpy(iface->uuid, ir->uuid, 37);
        iface->name = take_str__(old ? &old->name : NULL, ir->name);
        iface->type = take_str__(old ? &old->type : NULL, ir->u.iface.type);
        iface->ofport = ir->u.iface.ofport;
        iface->mac_in_use =
            take_str__(old ? &old->mac_in_use : NULL, ir->u.iface.mac_in_use);
        iface->port_name =
            take_str__(old ? &old->port_name : NULL, port->name);
        memcpy(iface->port_uuid, port->uuid, 37);
        iface->tag = port->u.port.tag;
        iface->vlan_mode = take_str__(old ? &old->vlan_mode : NULL,
                                      vlan_mode ? vlan_mode : "");
        iface->trunks = port->u.port.trunks;
        iface->bond_mode = take_str__(old ? &old->bond_mode : NULL,
                                      bond_mode ? bond_mode : "");
        iface->link_protos =
            ir->u.iface.link_protos | (port->u.port.lacp ? VG_LP_LACP : 0);
        iface->lacp_current = ir->u.iface.lacp_current;
        iface->bond_active_mac = take_str__(old ? &old->bond_active_mac : NULL,
                                            port->u.port.bond_active);
        iface->stp_off = port->u.port.stp_off;
        iface->rstp_off = port->u.port.rstp_off;
        take_ext__(iface, ir, old);
    }
    for (size_t i = first; i < br->n_ifaces; i++) {
        br->ifaces[i].n_port_ifaces = br->n_ifaces - first;
    }
}

/* Fills 'br' from Bridge row 'row', taking over unchanged interfaces from
 * 'prev_br' (the previous snapshot's bridge of that name, or NULL; built at
 * generation 'since' of 'db', 0 if unknown: then only unchanged strings). */
/* Whether Open vSwitch's in-band control takes remote 'r' (a Controller
 * or Manager row) in (connmgr.c, bridge.c): an active tcp: or ssl: target
 * with an IPv4 address (we also count host names, to be safe), not
 * out-of-band, and for a manager not 127.0.0.1. */
static bool
remote_in_band__(const struct row *r, bool manager)
{
    const char *t = r->name;
    if (r->u.remote.out_of_band ||
        (strncmp(t, "tcp:", 4) && strncmp(t, "ssl:", 4)) || t[4] == '[') {
        return false;
    }
    if (manager) {
        size_t n = strcspn(t + 4, ":");
        return !(n == strlen("127.0.0.1") && !strncmp(t + 4, "127.0.0.1", n));
    }
    return true;
}

/* The first remote (sorted controller targets first, then managers) for
 * which Open vSwitch's in-band control adds its hidden flows to bridge
 * 'row', as a malloc'd string, or NULL if none does or the bridge turns
 * in-band control off.  Those flows (ofproto/in-band.c) send ARP and TCP
 * to and from the remote, and ARP to and from the bridge's own MAC, to
 * NORMAL at priorities above 65535, from any port: no flow of ours can
 * stop a guest's frames that match them. */
static char *
in_band_remote__(const struct ovsdb_db *db, const struct row *row)
{
    if (row->u.br.no_in_band) {
        return NULL;
    }
    const char *first = NULL;
    const struct uuid_set *ctls = &row->u.br.controllers;
    for (size_t i = 0; i < ctls->n; i++) {
        const struct row *c = db_find__(db, T_CONTROLLER, ctls->uuids[i]);
        if (c && c->name && remote_in_band__(c, false) &&
            (!first || strcmp(c->name, first) < 0)) {
            first = c->name;
        }
    }
    if (!first) {
        /* Every Manager row is one of Open_vSwitch's manager_options: the
         * table is not a root table, so unreferenced rows are gone. */
        struct lh_entry *e;
        lh_foreach(db->rows[T_MANAGER], e)
        {
            const struct row *m = lh_entry_v(e);
            if (m->name && remote_in_band__(m, true) &&
                (!first || strcmp(m->name, first) < 0)) {
                first = m->name;
            }
        }
    }
    return first ? ofp_xstrdup(first) : NULL;
}

/* Fills the mirrors of 'br' from Bridge row 'row'.  A Mirror row whose
 * name is malformed still counts, named by its UUID: what matters is where
 * it sends copies. */
static void
build_mirrors__(const struct ovsdb_db *db, const struct row *row,
                struct vg_bridge *br, unsigned int *n_bad)
{
    const struct uuid_set *mirrors = &row->u.br.mirrors;
    if (mirrors->n) {
        br->mirrors = ofp_xcalloc(mirrors->n, sizeof *br->mirrors);
    }
    for (size_t i = 0; i < mirrors->n; i++) {
        const struct row *m =
            deref__(db, row, "mirrors", T_MIRROR, mirrors->uuids[i], n_bad);
        if (!m) {
            m = db_find__(db, T_MIRROR, mirrors->uuids[i]);
            if (!m) {
                continue;
            }
        }
        struct vg_mirror *vm = &br->mirrors[br->n_mirrors++];
        vm->name = ofp_xstrdup(m->name ? m->name : m->uuid);
        memcpy(vm->output_port, m->u.mirror.output_port, 37);
        vm->output_vlan = vm->output_port[0] ? -1 : m->u.mirror.output_vlan;
        vm->select_all = m->u.mirror.select_all;
    }
}

/* Fills the sampling targets of 'br' from Bridge row 'row'. */
static void
build_samplers__(const struct ovsdb_db *db, const struct row *row,
                 struct vg_bridge *br)
{
    static const struct {
        enum table_id table;
        const char *kind;
    } kinds[3] = { { T_SFLOW, "sFlow" },
                   { T_NETFLOW, "NetFlow" },
                   { T_IPFIX, "IPFIX" } };
    for (size_t k = 0; k < 3; k++) {
        const struct uuid_set *set = &row->u.br.samplers[k];
        const struct row *r =
            set->n ? db_find__(db, kinds[k].table, set->uuids[0]) : NULL;
        for (size_t i = 0; r && i < r->u.sampler.n; i++) {
            br->samplers = ofp_xrealloc(
                br->samplers, (br->n_samplers + 1) * sizeof *br->samplers);
            br->samplers[br->n_samplers++] =
                (struct vg_sampler){ kinds[k].kind,
                                     ofp_xstrdup(r->u.sampler.targets[i]) };
        }
    }
}

static void
build_bridge__(const struct ovsdb_db *db, const struct row *row,
               struct vg_bridge *prev_br, uint64_t since, struct vg_bridge *br,
               unsigned int *n_bad)
{
    memset(br, 0, sizeof *br);
    memcpy(br->uuid, row->uuid, 37);
    br->name = ofp_xstrdup(row->name);
    br->dpid = row->u.br.dpid;
    br->fail_mode = ofp_xstrdup(row->u.br.fail_mode);
    br->stp = row->u.br.stp;
    br->rstp = row->u.br.rstp;
    br->mcast_snooping = row->u.br.mcast_snooping;

    const struct uuid_set *ctls = &row->u.br.controllers;
    if (ctls->n) {
        br->controllers = ofp_xcalloc(ctls->n, sizeof *br->controllers);
    }
    for (size_t i = 0; i < ctls->n; i++) {
        const struct row *c = deref__(db, row, "controller", T_CONTROLLER,
                                      ctls->uuids[i], n_bad);
        if (c) {
            br->controllers[br->n_controllers++] = ofp_xstrdup(c->name);
        }
    }
    if (br->n_controllers > 1) {
        qsort(br->controllers, br->n_controllers, sizeof *br->controllers,
              str_cmp__);
    }
    br->in_band = in_band_remote__(db, row);
    build_mirrors__(db, row, br, n_bad);
    build_samplers__(db, row, br);

    /* Room for every interface, allocated once. */
    const struct uuid_set *ports = &row->u.br.ports;
    size_t allocated = 0;
    for (size_t i = 0; i < ports->n; i++) {
        const struct row *port = db_find__(db, T_PORT, ports->uuids[i]);
        allocated += port ? port->u.port.ifaces.n : 0;
    }
    if (allocated) {
        br->ifaces = ofp_xmalloc(allocated * sizeof *br->ifaces);
    }

    struct prev_ifaces__ prev;
    prev_ifaces_init__(&prev, prev_br);
    for (size_t i = 0; i < ports->n; i++) {
        const struct row *port =
            deref__(db, row, "ports", T_PORT, ports->uuids[i], n_bad);
        if (port) {
            build_port__(db, port, &prev, since, br, n_bad);
        }
    }
    free(prev.v);
}

/* Removes from the sorted 'bridges' all but one of each run of equal
 * names, keeping the lowest UUID.  Returns the number removed. */
static unsigned int
dedup_bridges__(struct vg_bridge *bridges, size_t *n)
{
    unsigned int removed = 0;
    size_t out = 0;

    for (size_t i = 0; i < *n;) {
        size_t j = i + 1, keep = i;
        while (j < *n && !strcmp(bridges[j].name, bridges[i].name)) {
            if (strcmp(bridges[j].uuid, bridges[keep].uuid) < 0) {
                keep = j;
            }
            j++;
        }
        for (size_t k = i; k < j; k++) {
            if (k != keep) {
                vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                          "Bridge row %s: duplicate name \"%s\" (also %s); "
                          "row left out",
                          bridges[k].uuid, bridges[k].name,
                          bridges[keep].uuid);
                vg_bridge_destroy(&bridges[k]);
                removed++;
            }
        }
        bridges[out++] = bridges[keep];
        i = j;
    }
    *n = out;
    return removed;
}

/* The same for the sorted interfaces of 'br', except that an Interface row
 * listed in more than one Port is left out altogether: ovs-vswitchd puts
 * it in one of them in its own order, so taking any one Port's VLAN and
 * bond settings could disagree with the switch. */
static unsigned int
dedup_ifaces__(struct vg_bridge *br)
{
    unsigned int removed = 0;
    size_t out = 0;

    for (size_t i = 0; i < br->n_ifaces;) {
        size_t j = i + 1, keep = i;
        bool multi_port = false;
        while (j < br->n_ifaces &&
               !strcmp(br->ifaces[j].name, br->ifaces[i].name)) {
            if (strcmp(br->ifaces[j].uuid, br->ifaces[keep].uuid) < 0) {
                keep = j;
            }
            j++;
        }
        for (size_t k = i; k < j; k++) {
            if (k != keep &&
                !strcmp(br->ifaces[k].uuid, br->ifaces[keep].uuid)) {
                multi_port = true;
            }
        }
        if (multi_port) {
            vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                      "Interface row %s (\"%s\"): in more than one port of "
                      "bridge %s; left out",
                      br->ifaces[keep].uuid, br->ifaces[keep].name, br->name);
        }
        for (size_t k = i; k < j; k++) {
            if (k != keep || multi_port) {
                if (strcmp(br->ifaces[k].uuid, br->ifaces[keep].uuid)) {
                    vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                              "Interface row %s: duplicate name \"%s\" on "
                              "bridge %s (also %s); left out",
                              br->ifaces[k].uuid, br->ifaces[k].name, br->name,
                              br->ifaces[keep].uuid);
                }
                vg_iface_destroy(&br->ifaces[k]);
                removed += k != keep; /* One problem per extra copy. */
            }
        }
        if (!multi_port) {
            br->ifaces[out++] = br->ifaces[keep];
        }
        i = j;
    }
    br->n_ifaces = out;
    return removed;
}

unsigned int
ovsdb_db_build(const struct ovsdb_db *db, struct vg_host *host)
{
    return ovsdb_db_rebuild(db, NULL, host);
}

unsigned int
ovsdb_db_rebuild(const struct ovsdb_db *db, struct vg_host *prev,
                 struct vg_host *host)
{
    struct lh_table *brs = db->rows[T_BRIDGE];
    unsigned int n_bad = 0;
    struct lh_entry *e;
    size_t n = 0;

    /* 'prev' was built from 'db' at generation 'since': a row whose
     * generation is not newer has not changed since.  (Its stamp is wiped,
     * as what it still holds is taken below.) */
    uint64_t since = prev && prev->source_id == db->id ? prev->source_gen : 0;
    if (prev) {
        prev->source_id = prev->source_gen = 0;
    }
    vg_host_destroy(host);
    host->source_id = db->id;
    host->source_gen = db->gen;
    lh_foreach(brs, e)
    {
        const struct row *row = lh_entry_v(e);
        n += row->name != NULL;
    }
    if (!n) {
        return 0;
    }

    host->bridges = ofp_xcalloc(n, sizeof *host->bridges);
    lh_foreach(brs, e)
    {
        const struct row *row = lh_entry_v(e);
        if (row->name) {
            /* Bridge names are unique in 'prev' (deduplicated). */
            struct vg_bridge *prev_br =
                (prev
                     ? (struct vg_bridge *)vg_host_find_bridge(prev, row->name)
                     : NULL);
            build_bridge__(db, row, prev_br, since,
                           &host->bridges[host->n_bridges++], &n_bad);
        }
    }
    vg_host_sort(host);
    n_bad += dedup_bridges__(host->bridges, &host->n_bridges);
    for (size_t i = 0; i < host->n_bridges; i++) {
        n_bad += dedup_ifaces__(&host->bridges[i]);
    }
    return n_bad;
}

/* Appends 's' to 'out' in JSON quoting ("null" for NULL). */
static void
put_quoted__(struct ofp_buf *out, const char *s)
{
    if (!s) {
        ofp_buf_put_cstr(out, "null");
        return;
    }
    ofp_buf_put_char(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ofp_buf_put_char(out, '\\');
            ofp_buf_put_char(out, (char)*p);
        } else if (*p < 0x20 || *p == 0x7f) {
            ofp_buf_put_format(out, "\\u%04x", *p);
        } else {
            ofp_buf_put_char(out, (char)*p);
        }
    }
    ofp_buf_put_char(out, '"');
}

void
ovsdb_format_host(const struct vg_host *host, struct ofp_buf *out)
{
    for (size_t i = 0; i < host->n_bridges; i++) {
        const struct vg_bridge *br = &host->bridges[i];

        ofp_buf_put_cstr(out, "bridge ");
        put_quoted__(out, br->name);
        ofp_buf_put_format(out, " dpid=%016" PRIx64 " fail_mode=", br->dpid);
        put_quoted__(out, br->fail_mode);
        ofp_buf_put_cstr(out, " controllers=[");
        for (size_t k = 0; k < br->n_controllers; k++) {
            if (k) {
                ofp_buf_put_char(out, ',');
            }
            put_quoted__(out, br->controllers[k]);
        }
        ofp_buf_put_format(out, "]%s%s%s", br->stp ? " stp" : "",
                           br->rstp ? " rstp" : "",
                           br->mcast_snooping ? " mcast_snooping" : "");
        if (br->in_band) {
            ofp_buf_put_cstr(out, " in_band=");
            put_quoted__(out, br->in_band);
        }
        ofp_buf_put_format(out, " uuid=%s\n", br->uuid);

        for (size_t j = 0; j < br->n_mirrors; j++) {
            const struct vg_mirror *m = &br->mirrors[j];

            ofp_buf_put_cstr(out, "mirror ");
            put_quoted__(out, br->name);
            ofp_buf_put_char(out, ' ');
            put_quoted__(out, m->name);
            ofp_buf_put_format(out, " output_port=%s output_vlan=%d%s\n",
                               m->output_port, m->output_vlan,
                               m->select_all ? " select_all" : "");
        }
        for (size_t j = 0; j < br->n_samplers; j++) {
            ofp_buf_put_cstr(out, "sampler ");
            put_quoted__(out, br->name);
            ofp_buf_put_format(out, " %s ", br->samplers[j].kind);
            put_quoted__(out, br->samplers[j].target);
            ofp_buf_put_char(out, '\n');
        }

        for (size_t j = 0; j < br->n_ifaces; j++) {
            const struct vg_iface *iface = &br->ifaces[j];

            ofp_buf_put_cstr(out, "iface ");
            put_quoted__(out, br->name);
            ofp_buf_put_char(out, ' ');
            put_quoted__(out, iface->name);
            ofp_buf_put_format(out,
                               " ofport=%" PRId64 " type=", iface->ofport);
            put_quoted__(out, iface->type);
            ofp_buf_put_cstr(out, " port=");
            put_quoted__(out, iface->port_name);
            ofp_buf_put_format(out, " tag=%d port_ifaces=%zu mac_in_use=",
                               iface->tag, iface->n_port_ifaces);
            put_quoted__(out, iface->mac_in_use);
            ofp_buf_put_cstr(out, " external_ids={");
            for (size_t k = 0; k < iface->n_external_ids; k++) {
                if (k) {
                    ofp_buf_put_char(out, ',');
                }
                put_quoted__(out, iface->external_ids[k].key);
                ofp_buf_put_char(out, '=');
                put_quoted__(out, iface->external_ids[k].value);
            }
            ofp_buf_put_cstr(out, "} vlan_mode=");
            put_quoted__(out, iface->vlan_mode);
            ofp_buf_put_format(out, " trunks=%d bond_mode=", iface->trunks);
            put_quoted__(out, iface->bond_mode);
            char protos[64];
            ofp_buf_put_format(
                out, " link_protos=\"%s\" lacp_current=%d bond_active=",
                vg_link_proto_names(iface->link_protos, protos, sizeof protos),
                iface->lacp_current);
            put_quoted__(out, iface->bond_active_mac);
            ofp_buf_put_format(out, "%s%s uuid=%s port_uuid=%s\n",
                               iface->stp_off ? " stp_off" : "",
                               iface->rstp_off ? " rstp_off" : "", iface->uuid,
                               iface->port_uuid);
        }
    }
}

struct json_object *
ovsdb_monitor_params(void)
{
    struct json_object *requests = json_object_new_object();

    for (int t = 0; t < N_TABLES; t++) {
        struct json_object *columns = json_object_new_array();
        for (size_t i = 0; i < tables[t].n_columns; i++) {
            json_object_array_add(
                columns, json_object_new_string(tables[t].columns[i].name));
        }
        struct json_object *req = json_object_new_object();
        json_object_object_add(req, "columns", columns);
        json_object_object_add(requests, tables[t].name, req);
    }

    struct json_object *params = json_object_new_array();
    json_object_array_add(params, json_object_new_string(DB_NAME));
    json_object_array_add(params, json_object_new_string(MONITOR_ID));
    json_object_array_add(params, requests);
    return params;
}

/* The client. */

enum client_state {
    S_BACKOFF,  /* Waiting to reconnect. */
    S_LIST_DBS, /* Connecting; "list_dbs" sent. */
    S_MONITOR,  /* "monitor" sent, waiting for the initial contents. */
    S_ACTIVE,   /* Monitoring: applying updates. */
};

struct ovsdb_client {
    char *remote;
    ovsdb_changed_cb *changed;
    void *aux;

    enum client_state state;
    struct jsonrpc *rpc;    /* NULL in S_BACKOFF. */
    struct vg_timer *retry; /* Reconnect timer. */
    double backoff;         /* Next reconnect delay, seconds. */
    double active_since;    /* vg_now() on entering S_ACTIVE. */
    bool was_active;        /* Reached S_ACTIVE on this connection. */
    char *last_failure;     /* Last failure logged at INFO. */
    double probe_interval;

    struct ovsdb_db *db;
    struct vg_host host; /* Last snapshot delivered. */
    struct ovsdb_client_stats stats;
};

static void client_connect__(struct ovsdb_client *);

/* Drops the connection (if any) after 'reason' and schedules a reconnect
 * with backoff. */
static void
client_disconnect__(struct ovsdb_client *c, const char *reason)
{
    double now = vg_now();

    /* A connection that worked for a while starts the backoff over; one
     * that fails at once (a flapping or broken server) keeps doubling it. */
    if (c->was_active && now - c->active_since >= c->backoff) {
        c->backoff = BACKOFF_MIN;
    }
    if (c->was_active || !c->last_failure || strcmp(c->last_failure, reason)) {
        /* Later failures for the same reason go to DBG: say once what the
         * usual cause is. */
        VG_INFO(SUBSYS, "%s: %s%s; reconnecting in %.1f s%s", c->remote,
                c->was_active ? "connection lost: " : "", reason, c->backoff,
                !c->was_active && !strncmp(reason, "connect: ", 9)
                    ? " (is ovsdb-server running?  vifguard-ctl show tells "
                      "when it is connected)"
                    : "");
        free(c->last_failure);
        c->last_failure = ofp_xstrdup(reason);
    } else {
        VG_DBG(SUBSYS, "%s: %s; reconnecting in %.1f s", c->remote, reason,
               c->backoff);
    }
    jsonrpc_close(c->rpc);
    c->rpc = NULL;
    c->state = S_BACKOFF;
    c->was_active = false;
    c->stats.disconnects++;
    vg_timer_start(c->retry, c->backoff, 0);
    c->backoff = c->backoff * 2 < BACKOFF_MAX ? c->backoff * 2 : BACKOFF_MAX;
}

/* Builds a snapshot and hands it to the owner. */
static void
client_deliver__(struct ovsdb_client *c)
{
    struct vg_host host;

    vg_host_init(&host);
    c->stats.malformed += ovsdb_db_rebuild(c->db, &c->host, &host);
    vg_host_destroy(&c->host);
    c->host = host;
    c->stats.snapshots++;
    if (vg_log_enabled(SUBSYS, VG_LOG_DBG)) {
        struct ofp_buf text;
        ofp_buf_init(&text);
        ovsdb_format_host(&c->host, &text);
        vg_log(SUBSYS, VG_LOG_DBG, "%s: snapshot:\n%s", c->remote,
               ofp_buf_cstr(&text));
        ofp_buf_uninit(&text);
    }
    c->changed(c->aux, &c->host);
}

static void
monitor_reply__(struct jsonrpc *rpc, struct json_object *result,
                struct json_object *error, void *c_)
{
    struct ovsdb_client *c = c_;

    if (error || !json_object_is_type(result, json_type_object)) {
        char *reason = ofp_xasprintf("monitor request failed: %.200s",
                                     json_text__(error ? error : result));
        VG_ERR(SUBSYS, "%s: %s", c->remote, reason);
        client_disconnect__(c, reason);
        free(reason);
        return;
    }

    ovsdb_db_clear(c->db);
    c->stats.malformed += ovsdb_db_apply(c->db, result);
    c->state = S_ACTIVE;
    c->was_active = true;
    c->active_since = vg_now();
    c->stats.connects++;
    free(c->last_failure);
    c->last_failure = NULL;
    VG_INFO(SUBSYS,
            "%s: monitoring %s (%zu bridges, %zu ports, %zu "
            "interfaces)",
            c->remote, DB_NAME, ovsdb_db_n_rows(c->db, "Bridge"),
            ovsdb_db_n_rows(c->db, "Port"),
            ovsdb_db_n_rows(c->db, "Interface"));
    client_deliver__(c);
}

static void
list_dbs_reply__(struct jsonrpc *rpc, struct json_object *result,
                 struct json_object *error, void *c_)
{
    struct ovsdb_client *c = c_;
    bool found = false;

    if (!error && json_object_is_type(result, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(result); i++) {
            struct json_object *db = json_object_array_get_idx(result, i);
            if (json_object_is_type(db, json_type_string) &&
                !strcmp(json_object_get_string(db), DB_NAME)) {
                found = true;
            }
        }
    }
    if (!found) {
        char *reason =
            ofp_xasprintf("server has no %s database (list_dbs: "
                          "%.200s)",
                          DB_NAME, json_text__(error ? error : result));
        VG_ERR(SUBSYS, "%s: %s", c->remote, reason);
        client_disconnect__(c, reason);
        free(reason);
        return;
    }
    c->state = S_MONITOR;
    jsonrpc_send_request(rpc, "monitor", ovsdb_monitor_params(),
                         monitor_reply__, c);
}

static void
client_connected__(struct jsonrpc *rpc, void *c_)
{
    struct ovsdb_client *c = c_;
    VG_DBG(SUBSYS, "%s: connected", c->remote);
}

static void
client_notify__(struct jsonrpc *rpc, const char *method,
                struct json_object *params, void *c_)
{
    struct ovsdb_client *c = c_;

    if (strcmp(method, "update")) {
        VG_DBG(SUBSYS, "%s: notification \"%s\" ignored", c->remote, method);
        return;
    }
    if (c->state != S_ACTIVE) {
        vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN,
                  "%s: update before the monitor reply; ignored", c->remote);
        c->stats.malformed++;
        return;
    }

    struct json_object *id = json_object_array_get_idx(params, 0);
    struct json_object *updates = json_object_array_get_idx(params, 1);
    if (json_object_array_length(params) != 2 ||
        !json_object_is_type(id, json_type_string) ||
        strcmp(json_object_get_string(id), MONITOR_ID) ||
        !json_object_is_type(updates, json_type_object)) {
        /* We cannot tell what we missed: start over. */
        char *reason =
            ofp_xasprintf("malformed update: %.200s", json_text__(params));
        vg_log_rl(&bad_rl, SUBSYS, VG_LOG_WARN, "%s: %s", c->remote, reason);
        c->stats.malformed++;
        client_disconnect__(c, reason);
        free(reason);
        return;
    }
    c->stats.updates++;
    c->stats.malformed += ovsdb_db_apply(c->db, updates);
    client_deliver__(c);
}

static void
client_closed__(struct jsonrpc *rpc, int error, const char *reason, void *c_)
{
    struct ovsdb_client *c = c_;
    if (error == EPROTO || error == EMSGSIZE) {
        c->stats.malformed++;
    }
    client_disconnect__(c, reason);
}

static const struct jsonrpc_class client_class = {
    .connected = client_connected__,
    .notify = client_notify__,
    .closed = client_closed__,
};

static void
client_connect__(struct ovsdb_client *c)
{
    char *error = NULL;

    if (jsonrpc_open(c->remote, &client_class, c, c->probe_interval, &c->rpc,
                     &error)) {
        c->rpc = NULL;
        client_disconnect__(c, error);
        free(error);
        return;
    }
    c->state = S_LIST_DBS;
    jsonrpc_send_request(c->rpc, "list_dbs", NULL, list_dbs_reply__, c);
}

static void
client_retry__(struct vg_timer *t, void *c_)
{
    struct ovsdb_client *c = c_;
    VG_DBG(SUBSYS, "%s: connecting", c->remote);
    client_connect__(c);
}

struct ovsdb_client *
ovsdb_client_create(const char *remote, ovsdb_changed_cb *changed, void *aux)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char *error;

    if (jsonrpc_parse_remote(remote, &ss, &len, &error)) {
        VG_ERR(SUBSYS, "%s", error);
        free(error);
        return NULL;
    }

    struct ovsdb_client *c = ofp_xcalloc(1, sizeof *c);
    c->remote = ofp_xstrdup(remote);
    c->changed = changed;
    c->aux = aux;
    c->state = S_BACKOFF;
    c->retry = vg_timer_create(client_retry__, c);
    c->backoff = BACKOFF_MIN;
    c->probe_interval = PROBE_DEFAULT;
    c->db = ovsdb_db_create();
    vg_host_init(&c->host);
    VG_INFO(SUBSYS, "%s: connecting", remote);
    /* Connect from the loop, so that the owner can still configure us. */
    vg_timer_start(c->retry, 0, 0);
    return c;
}

void
ovsdb_client_destroy(struct ovsdb_client *c)
{
    if (c) {
        jsonrpc_close(c->rpc);
        vg_timer_destroy(c->retry);
        ovsdb_db_destroy(c->db);
        vg_host_destroy(&c->host);
        free(c->last_failure);
        free(c->remote);
        free(c);
    }
}

bool
ovsdb_client_is_connected(const struct ovsdb_client *c)
{
    return c->state == S_ACTIVE;
}

void
ovsdb_client_set_probe_interval(struct ovsdb_client *c, double seconds)
{
    c->probe_interval = seconds > 0 ? seconds : 0;
}

const struct vg_host *
ovsdb_client_host(const struct ovsdb_client *c)
{
    return &c->host;
}

void
ovsdb_client_get_stats(const struct ovsdb_client *c,
                       struct ovsdb_client_stats *stats)
{
    *stats = c->stats;
}
