/* libFuzzer target: the OVSDB client's handling of bytes from ovsdb-server.
 *
 * The input is a byte stream as a server would send it.  The first byte
 * picks the chunk size in which the stream is fed to the JSON-RPC stream
 * parser (src/jsonrpc.c; the size limit is lowered so that the limit check
 * is reachable).  Every complete JSON value is then used the ways the client
 * uses messages: as <table-updates> itself, as a "monitor" reply's result,
 * as an "update" notification's second parameter, all applied to one replica
 * (src/ovsdb.c), whose snapshot is built and formatted after each value,
 * both afresh and from the previous one (ovsdb_db_rebuild()): the two must
 * be the same.
 * Each value's members also go through the datum parser with every column
 * type the client uses.  Nothing may crash, leak or trip a sanitizer. */
#include <config.h>

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/jsonrpc.h"
#include "src/log.h"
#include "src/model.h"
#include "src/ovsdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the datum parser on 'json' with every type combination. */
static void
fuzz_datums__(const struct json_object *json)
{
    static const enum ovsdb_atype types[][2] = {
        { OVSDB_T_STRING, OVSDB_T_VOID },  { OVSDB_T_INTEGER, OVSDB_T_VOID },
        { OVSDB_T_UUID, OVSDB_T_VOID },    { OVSDB_T_REAL, OVSDB_T_VOID },
        { OVSDB_T_BOOLEAN, OVSDB_T_VOID }, { OVSDB_T_STRING, OVSDB_T_STRING },
        { OVSDB_T_UUID, OVSDB_T_INTEGER },
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        struct ovsdb_datum d;
        char *error = NULL;
        if (!ovsdb_datum_from_json(&d, json, types[i][0], types[i][1],
                                   &error)) {
            if (error) {
                abort();
            }
        } else if (!error || d.n) {
            abort();
        }
        free(error);
        ovsdb_datum_destroy(&d, types[i][0], types[i][1]);
    }
}

/* Uses message 'msg' the ways the client would; 'prev' is the snapshot
 * after the previous message, replaced by the one after this one. */
static void
fuzz_message__(struct ovsdb_db *db, struct json_object *msg,
               struct vg_host *prev)
{
    struct json_object *member;

    ovsdb_db_apply(db, msg);
    if (json_object_object_get_ex(msg, "result", &member)) {
        ovsdb_db_apply(db, member);
    }
    if (json_object_object_get_ex(msg, "params", &member) &&
        json_object_is_type(member, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(member); i++) {
            struct json_object *p = json_object_array_get_idx(member, i);
            ovsdb_db_apply(db, p);
            fuzz_datums__(p);
        }
    }
    json_object_object_foreach(msg, key, val)
    {
        (void)key;
        fuzz_datums__(val);
    }

    struct vg_host host;
    struct ofp_buf text;
    vg_host_init(&host);
    ovsdb_db_build(db, &host);
    ofp_buf_init(&text);
    ovsdb_format_host(&host, &text);

    struct vg_host next;
    struct ofp_buf next_text;
    vg_host_init(&next);
    ovsdb_db_rebuild(db, prev, &next);
    vg_host_destroy(prev);
    *prev = next;
    ofp_buf_init(&next_text);
    ovsdb_format_host(prev, &next_text);
    if (strcmp(ofp_buf_cstr(&text), ofp_buf_cstr(&next_text))) {
        abort(); /* Rebuilt differently. */
    }
    ofp_buf_uninit(&next_text);
    ofp_buf_uninit(&text);
    for (size_t i = 0; i < host.n_bridges; i++) {
        const struct vg_bridge *br = &host.bridges[i];
        if (i && strcmp(host.bridges[i - 1].name, br->name) >= 0) {
            abort(); /* Sorted, no duplicate names. */
        }
        for (size_t j = 1; j < br->n_ifaces; j++) {
            if (strcmp(br->ifaces[j - 1].name, br->ifaces[j].name) >= 0) {
                abort();
            }
        }
    }
    vg_host_destroy(&host);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    if (!initialized) {
        vg_log_use_stderr(false);
        initialized = true;
    }
    if (!size) {
        return 0;
    }

    size_t chunk = (size_t)(data[0] % 64) + 1;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    struct jsonrpc_parser *p = jsonrpc_parser_create(4096);
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host prev;

    vg_host_init(&prev);
    for (size_t ofs = 0; ofs < n;) {
        size_t len = n - ofs < chunk ? n - ofs : chunk;
        struct json_object *msg;
        const char *error;
        size_t used;

        if (jsonrpc_parser_feed(p, s + ofs, len, &used, &msg, &error)) {
            if (!error) {
                abort();
            }
            break;
        }
        if (!used || used > len) {
            abort(); /* The parser must always make progress. */
        }
        ofs += used;
        if (msg) {
            fuzz_message__(db, msg, &prev);
            json_object_put(msg);
        }
    }
    jsonrpc_parser_destroy(p);
    vg_host_destroy(&prev);
    ovsdb_db_destroy(db);
    return 0;
}
