/* The host model: constructors, destructors and look-ups.  See model.h. */
#include <config.h>
#include "src/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
vg_host_init(struct vg_host *host)
{
    memset(host, 0, sizeof *host);
}

void
vg_iface_destroy(struct vg_iface *iface)
{
    if (iface) {
        free(iface->name);
        free(iface->type);
        free(iface->mac_in_use);
        free(iface->port_name);
        free(iface->vlan_mode);
        free(iface->bond_mode);
        free(iface->bond_active_mac);
        for (size_t i = 0; i < iface->n_external_ids; i++) {
            free(iface->external_ids[i].key);
            free(iface->external_ids[i].value);
        }
        free(iface->external_ids);
    }
}

void
vg_iface_move(struct vg_iface *dst, struct vg_iface *src)
{
    *dst = *src;
    src->name = NULL;
    src->type = NULL;
    src->mac_in_use = NULL;
    src->port_name = NULL;
    src->vlan_mode = NULL;
    src->bond_mode = NULL;
    src->bond_active_mac = NULL;
    src->external_ids = NULL;
    src->n_external_ids = 0;
}

void
vg_bridge_destroy(struct vg_bridge *br)
{
    if (br) {
        free(br->name);
        free(br->fail_mode);
        free(br->in_band);
        for (size_t i = 0; i < br->n_controllers; i++) {
            free(br->controllers[i]);
        }
        free(br->controllers);
        for (size_t i = 0; i < br->n_mirrors; i++) {
            free(br->mirrors[i].name);
        }
        free(br->mirrors);
        for (size_t i = 0; i < br->n_samplers; i++) {
            free(br->samplers[i].target);
        }
        free(br->samplers);
        for (size_t i = 0; i < br->n_ifaces; i++) {
            vg_iface_destroy(&br->ifaces[i]);
        }
        free(br->ifaces);
    }
}

/* Frees everything 'host' owns and leaves it empty.  Accepts NULL. */
void
vg_host_destroy(struct vg_host *host)
{
    if (host) {
        for (size_t i = 0; i < host->n_bridges; i++) {
            vg_bridge_destroy(&host->bridges[i]);
        }
        free(host->bridges);
        vg_host_init(host);
    }
}

const struct vg_bridge *
vg_host_find_bridge(const struct vg_host *host, const char *name)
{
    for (size_t i = 0; i < host->n_bridges; i++) {
        if (!strcmp(host->bridges[i].name, name)) {
            return &host->bridges[i];
        }
    }
    return NULL;
}

const struct vg_bridge *
vg_host_find_dpid(const struct vg_host *host, uint64_t dpid)
{
    for (size_t i = 0; i < host->n_bridges; i++) {
        if (dpid && host->bridges[i].dpid == dpid) {
            return &host->bridges[i];
        }
    }
    return NULL;
}

const struct vg_iface *
vg_bridge_find_iface(const struct vg_bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_ifaces; i++) {
        if (!strcmp(br->ifaces[i].name, name)) {
            return &br->ifaces[i];
        }
    }
    return NULL;
}

/* True if Open vSwitch gives the port of 'iface' copies of what mirror 'm'
 * selects: 'iface' is in the mirror's output port, or the mirror has an
 * output VLAN that the port carries (ofproto-dpif-xlate.c,
 * mirror_packet(): every port of that VLAN but mirror output ports,
 * floodable or not).  An access or dot1q-tunnel port carries its tag's
 * VLAN only (vswitchd/bridge.c: no vlan_mode and a tag make an access
 * port); any other port is taken to carry every VLAN, as a trunk port
 * without trunks does (we do not keep the list of trunks). */
bool
vg_mirror_outputs_to(const struct vg_mirror *m, const struct vg_iface *iface)
{
    if (m->output_port[0]) {
        return !strcmp(m->output_port, iface->port_uuid);
    }
    if (m->output_vlan < 0) {
        return false;
    }
    const char *mode = iface->vlan_mode ? iface->vlan_mode : "";
    bool access = (!strcmp(mode, "access") || !strcmp(mode, "dot1q-tunnel") ||
                   (!mode[0] && iface->tag >= 0));
    return access ? iface->tag == m->output_vlan : true;
}

/* Indexed by the bit number of enum vg_link_proto. */
static const char *const link_proto_names[] = { "lacp", "cfm", "bfd", "lldp" };
#define N_LINK_PROTOS (sizeof link_proto_names / sizeof *link_proto_names)

const char *
vg_link_proto_name(unsigned bit)
{
    for (size_t i = 0; i < N_LINK_PROTOS; i++) {
        if (bit == 1u << i) {
            return link_proto_names[i];
        }
    }
    return NULL;
}

unsigned
vg_link_proto_from_name(const char *name)
{
    for (size_t i = 0; i < N_LINK_PROTOS; i++) {
        if (!strcmp(name, link_proto_names[i])) {
            return 1u << i;
        }
    }
    return 0;
}

const char *
vg_link_proto_names(unsigned link_protos, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_LINK_PROTOS; i++) {
        if (link_protos & (1u << i) && len < size) {
            len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                            link_proto_names[i]);
        }
    }
    return buf;
}

/* Returns the value for 'key' in the 'n' pairs at 'kv', or NULL. */
const char *
vg_kv_get(const struct vg_kv *kv, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(kv[i].key, key)) {
            return kv[i].value;
        }
    }
    return NULL;
}

static int
kv_cmp__(const void *a_, const void *b_)
{
    const struct vg_kv *a = a_, *b = b_;
    return strcmp(a->key, b->key);
}

void
vg_kv_sort(struct vg_kv *kv, size_t n)
{
    if (n > 1) {
        qsort(kv, n, sizeof *kv, kv_cmp__);
    }
}

static int
bridge_cmp__(const void *a_, const void *b_)
{
    const struct vg_bridge *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
iface_cmp__(const void *a_, const void *b_)
{
    const struct vg_iface *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

/* By name; mirrors of one name (Mirror.name is not unique) by what they
 * output to, so that a snapshot's order does not depend on OVSDB's. */
static int
mirror_cmp__(const void *a_, const void *b_)
{
    const struct vg_mirror *a = a_, *b = b_;
    int c = strcmp(a->name, b->name);
    if (!c) {
        c = strcmp(a->output_port, b->output_port);
    }
    if (!c) {
        c = (a->output_vlan > b->output_vlan) -
            (a->output_vlan < b->output_vlan);
    }
    if (!c) {
        c = a->select_all - b->select_all;
    }
    return c;
}

void
vg_host_sort(struct vg_host *host)
{
    if (host->n_bridges > 1) {
        qsort(host->bridges, host->n_bridges, sizeof *host->bridges,
              bridge_cmp__);
    }
    for (size_t i = 0; i < host->n_bridges; i++) {
        struct vg_bridge *br = &host->bridges[i];
        if (br->n_ifaces > 1) {
            qsort(br->ifaces, br->n_ifaces, sizeof *br->ifaces, iface_cmp__);
        }
        if (br->n_mirrors > 1) {
            qsort(br->mirrors, br->n_mirrors, sizeof *br->mirrors,
                  mirror_cmp__);
        }
    }
}
