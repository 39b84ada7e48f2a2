/* libFuzzer target: vifguardd's configuration parsers and the control
 * protocol (src/config.c, src/ctl-json.c).
 *
 * The first input byte picks the parser, the rest is its input:
 *   0 (mod 4)  configuration file text (vg_config_parse_file())
 *   1          command line, arguments separated by NUL bytes
 *              (vg_config_parse_args())
 *   2          a control request line (ctl_parse_request(), ctl_execute(),
 *              and for "wait" ctl_wait_response() with every port state,
 *              and ctl_format_request() must give back the same request);
 *              each response must be one line of JSON with "ok"
 *   3          a control response result as vifguard-ctl reads it
 *              (ctl_status_from_json() for every command)
 * Errors must come with a message; nothing may crash or leak. */
#include <config.h>

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/config.h"
#include "src/ctl.h"
#include "src/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
die__(const char *what)
{
    fprintf(stderr, "fuzz-config: %s\n", what);
    abort();
}

static void
check_config__(const struct vg_config *cfg)
{
    if (!cfg->n_listen || !cfg->n_guest_globs || !cfg->ctl || !cfg->ovsdb ||
        !cfg->attach_command || cfg->attach_command[0] != '/') {
        die__("parsed configuration lacks a setting");
    }
    (void)vg_config_is_guest_name(cfg, "vif1.0");
    (void)vg_config_is_attach_bridge(cfg, "xenbr0");
    for (size_t i = 0; i < cfg->n_listen; i++) {
        free(vg_config_listen_target(cfg->listen[i]));
    }
}

static void
fuzz_file__(const uint8_t *data, size_t size)
{
    char *text = ofp_xmalloc(size + 1);
    struct vg_config cfg;
    char *err = NULL;

    memcpy(text, data, size);
    text[size] = '\0';
    vg_config_init(&cfg);
    if (vg_config_parse_file(&cfg, text, "f.conf", &err)) {
        if (!err || strncmp(err, "f.conf:", 7)) {
            die__("file error without a located message");
        }
    } else {
        if (err) {
            die__("message without an error");
        }
        check_config__(&cfg);
    }
    free(err);
    vg_config_destroy(&cfg);
    free(text);
}

static void
fuzz_args__(const uint8_t *data, size_t size)
{
    char *copy = ofp_xmalloc(size + 1);
    char *argv[66];
    int argc = 0;
    struct vg_config cfg;
    char *err = NULL;

    memcpy(copy, data, size);
    copy[size] = '\0';
    argv[argc++] = (char *)"vifguardd";
    for (char *p = copy; p <= copy + size && argc < 65;) {
        argv[argc++] = p;
        p += strlen(p) + 1;
    }
    argv[argc] = NULL;

    vg_config_init(&cfg);
    if (vg_config_parse_args(&cfg, argc, argv, &err)) {
        if (!err) {
            die__("argument error without a message");
        }
    } else {
        check_config__(&cfg);
    }
    free(err);
    vg_config_destroy(&cfg);
    free(copy);
}

static void
status_cb__(void *aux, struct vg_status *st)
{
    (void)aux;
    st->n_vifs = 1;
    st->vifs = ofp_xcalloc(1, sizeof *st->vifs);
    st->vifs[0].name = ofp_xstrdup("vif1.0");
    st->vifs[0].bridge = ofp_xstrdup("xenbr0");
    st->n_bridges = 1;
    st->bridges = ofp_xcalloc(1, sizeof *st->bridges);
    st->bridges[0].name = ofp_xstrdup("xenbr0");
    st->stats.plug.buckets[3] = 1;
    st->stats.plug.count = 1;
}

/* Port states for "wait": by the first byte of the name. */
static int
port_state_cb__(void *aux, const char *name, const char **reason)
{
    (void)aux;
    *reason = name[0] & 1 ? "some reason" : NULL;
    return (int)((unsigned char)name[0] % 4) - 1;
}

static void
check_response__(const char *resp)
{
    struct json_object *j = json_tokener_parse(resp);
    struct json_object *ok;
    if (strchr(resp, '\n') || !j || !json_object_object_get_ex(j, "ok", &ok) ||
        !json_object_is_type(ok, json_type_boolean)) {
        die__("response is not a JSON line with \"ok\"");
    }
    json_object_put(j);
}

static void
fuzz_request__(const uint8_t *data, size_t size)
{
    struct ctl_request r;
    char *err = NULL;

    if (ctl_parse_request((const char *)data, size, &r, &err)) {
        if (!err) {
            die__("request error without a message");
        }
    } else if (err || (unsigned int)r.command >= CTL_N_COMMANDS ||
               (r.command == CTL_WAIT) != (r.n_ports > 0)) {
        die__("bad request accepted");
    } else {
        /* The formatted request parses back to the same. */
        char *line = ctl_format_request(&r);
        struct ctl_request back;
        char *err2 = NULL;
        if (ctl_parse_request(line, strlen(line), &back, &err2) ||
            back.command != r.command || back.n_ports != r.n_ports ||
            back.timeout != r.timeout) {
            die__("formatted request does not parse back");
        }
        for (size_t i = 0; i < r.n_ports; i++) {
            if (strcmp(back.ports[i], r.ports[i])) {
                die__("formatted request does not parse back");
            }
        }
        ctl_request_destroy(&back);
        free(line);
        ctl_request_destroy(&r);
    }
    free(err);

    struct ctl_request *w = NULL;
    char *resp = ctl_execute((const char *)data, size, status_cb__, NULL, &w);
    if (!resp == !w) {
        die__("ctl_execute() must answer or park a wait, not both");
    }
    if (w) {
        for (int timed_out = 0; timed_out < 2; timed_out++) {
            char *wr = ctl_wait_response(w, port_state_cb__, NULL, timed_out);
            if (wr) {
                check_response__(wr);
            } else if (timed_out) {
                die__("a timed-out wait must be answered");
            }
            free(wr);
        }
        ctl_request_destroy(w);
        free(w);
    } else {
        check_response__(resp);
        free(resp);
    }
}

static void
fuzz_result__(const uint8_t *data, size_t size)
{
    struct json_tokener *tok = json_tokener_new_ex(32);
    struct json_object *j =
        json_tokener_parse_ex(tok, (const char *)data, (int)size);
    json_tokener_free(tok);
    if (!j) {
        return;
    }
    for (int c = 0; c < CTL_N_COMMANDS; c++) {
        struct vg_status st;
        char *err = NULL;
        memset(&st, 0, sizeof st);
        if (ctl_status_from_json((enum ctl_command)c, j, &st, &err) && !err) {
            die__("result error without a message");
        }
        (void)ctl_latency_percentile(&st.stats.plug, .99);
        (void)ctl_latency_percentile(&st.stats.noflood, .5);
        free(err);
        vg_status_destroy(&st);
    }
    json_object_put(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 20) {
        return 0;
    }
    switch (data[0] % 4) {
    case 0:
        fuzz_file__(data + 1, size - 1);
        break;
    case 1:
        fuzz_args__(data + 1, size - 1);
        break;
    case 2:
        fuzz_request__(data + 1, size - 1);
        break;
    case 3:
    default:
        fuzz_result__(data + 1, size - 1);
        break;
    }
    return 0;
}
