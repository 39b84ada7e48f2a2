/* What vifguardd reports about itself: names and destruction of the plain
 * structs of status.h, shared by the engine (which fills them), the control
 * socket and vifguard-ctl (which read them). */
#include <config.h>
#include "src/status.h"

#include <stdlib.h>
#include <string.h>

/* Returns the name of 'state' as shown by vifguard-ctl ("pending",
 * "protected", "error"), or "unknown" for a value out of range. */
const char *
vg_port_state_name(enum vg_port_state state)
{
    switch (state) {
    case VG_PORT_PENDING:
        return "pending";
    case VG_PORT_PROTECTED:
        return "protected";
    case VG_PORT_ERROR:
        return "error";
    }
    return "unknown";
}

void
vg_latency_record(struct vg_latency *lat, double seconds)
{
    double us = seconds * 1e6;
    int bucket = 0;
    while (bucket < VG_LAT_BUCKETS - 1 && us >= (double)(2ull << bucket)) {
        bucket++;
    }
    lat->buckets[bucket]++;
    lat->count++;
    lat->sum += seconds;
    if (seconds > lat->max) {
        lat->max = seconds;
    }
}

static void
free_strv__(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* Frees everything 'status' owns and leaves it empty (all zeros), ready to
 * be filled again.  Accepts NULL. */
void
vg_status_destroy(struct vg_status *status)
{
    if (!status) {
        return;
    }
    for (size_t i = 0; i < status->n_bridges; i++) {
        struct vg_bridge_status *b = &status->bridges[i];
        free(b->name);
        free(b->fail_mode);
        free(b->stp_guest);
        free(b->proto_guest);
        free(b->sampler_guest);
        free(b->sampler);
        free(b->in_band);
        free(b->other_controller);
        free(b->mirror_guest);
        free(b->mirror_name);
    }
    free(status->bridges);
    for (size_t i = 0; i < status->n_vifs; i++) {
        struct vg_vif_status *v = &status->vifs[i];
        free(v->bridge);
        free(v->name);
        free(v->mac);
        free(v->mode);
        free_strv__(v->ipv4, v->n_ipv4);
        free_strv__(v->ipv6, v->n_ipv6);
        free(v->reason);
        free(v->source);
        free(v->conflict);
    }
    free(status->vifs);
    for (size_t i = 0; i < status->n_attach; i++) {
        struct vg_attach_status *a = &status->attach[i];
        free(a->bridge);
        free(a->state);
        free(a->error);
    }
    free(status->attach);
    free(status->attach_patterns);
    free(status->xenstore.mode);
    free(status->xenstore.state);
    free(status->xenstore.error);
    memset(status, 0, sizeof *status);
}
