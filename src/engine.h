/* The engine: keeps every bridge's installed flows equal to its policy.
 *
 * Inputs: host snapshots (engine_set_host(), from OVSDB) and OpenFlow
 * connections (through engine_ofconn_handler()).  Per bridge it keeps, for
 * every flow group (docs/DESIGN.md), the fingerprint it wants and the one the
 * switch holds (read back on connect, then updated on every acknowledged
 * change), and sends only the difference, in atomic bundles. */
#ifndef VG_ENGINE_H
#define VG_ENGINE_H 1

#include <stdbool.h>

#include "src/policy.h"

struct engine;
struct ofconn_handler;
struct vg_host;
struct vg_status;
struct vg_xs_view;

/* 'is_guest_name' decides, from its name, whether an interface without
 * external_ids:attached-mac is a guest port. */
/* 'ovsdb_remote' locates the bridges' management sockets (noflood.h). */
struct engine *engine_create(enum vg_mode default_mode,
                             const char *ovsdb_remote,
                             bool (*is_guest_name)(const char *, void *),
                             void *aux);
void engine_destroy(struct engine *);

/* Sets the xenstore policy view (src/xspolicy.h; NULL: none), used from
 * the next engine_set_host() on.  'xs' must stay valid until it is replaced
 * or the engine is destroyed.  If 'required' and 'xs' is NULL (xenstore =
 * on, not read yet), every guest port is held closed.  The caller then
 * calls engine_set_host() again to apply it (unchanged ports cost nothing:
 * fingerprints). */
void engine_set_xenstore(struct engine *, const struct vg_xs_view *xs,
                         bool required);

/* Our 'n' listeners ("punix:PATH", "ptcp:PORT[:IP]"): a controller of a
 * bridge that reaches none of them is reported. */
void engine_set_listeners(struct engine *, char *const *listen, size_t n);

/* Takes in a new snapshot of the host and acts on what changed.  A guest's
 * policy comes from vg_policy_resolve() (OVSDB and xenstore). */
void engine_set_host(struct engine *, const struct vg_host *);

/* The handler to pass to ofconn_listen() with the engine as 'aux'. */
const struct ofconn_handler *engine_ofconn_handler(void);

/* Fills in bridges, guest ports and the engine's counters. */
void engine_get_status(struct engine *, struct vg_status *);

/* Returns the state (enum vg_port_state) of the port named 'name' on any
 * bridge, with a reason or NULL in '*reason' (valid until the engine next
 * changes), or -1 if the engine knows no port of that name.  A port that is
 * not a guest port is VG_PORT_PENDING with the reason "not a guest port". */
int engine_port_state(const struct engine *, const char *name,
                      const char **reason);

#endif /* src/engine.h */
