/* The xenstore policy source: a libxenstore connection, its watches and a
 * cache of the nodes guest policy comes from (src/xspolicy.h).
 *
 * The cache is a struct vg_xs_view, handed to the owner through a change
 * callback whenever it changed.  Only the nodes under a changed watch path
 * are read again: one VM's /xapi/<uuid>/private/vif, one domain's
 * vm-data/networking, or the list of domains.
 *
 * Threads: every libxenstore call is made from a worker thread of this
 * module, with a loop of its own, so that a xenstored that does not answer
 * blocks nothing else: the daemon's loop gets copies of the view and the
 * state (xenstore.c), and reports the source "stalled" once a request has
 * waited VG_XENSTORE_STALL seconds.  libxenstore (4.17) starts a reader
 * thread for watches; it queues watch events and wakes the worker's loop
 * through the pipe xs_fileno() returns.  The reader thread says nothing when
 * the connection drops, so a cheap read every VG_XENSTORE_PROBE seconds
 * notices it; the module then keeps the last view (guests keep their
 * protection), reports the loss and reconnects with backoff.  A stall also
 * keeps the last view.
 *
 * Modes (enum vg_xenstore_mode): off never connects; auto connects once at
 * start and stays off (one info line) if xenstore is not reachable, i.e. on
 * a host that is not a Xen dom0; on keeps trying and reports an error
 * meanwhile. */
#ifndef VG_XENSTORE_H
#define VG_XENSTORE_H 1

#include <stdbool.h>

#include "src/config.h"

struct vg_xs_view;
struct vg_xenstore;

/* Seconds between liveness probes while connected. */
#define VG_XENSTORE_PROBE 2.0
/* Seconds a request may wait for xenstored before the source is reported
 * stalled; also how long vg_xenstore_create() waits for the first view. */
#define VG_XENSTORE_STALL 5.0

/* Called after the view changed, or vg_xenstore_active() did ('view': the
 * current view, or NULL if none yet); 'view' stays valid until the next
 * call or vg_xenstore_destroy(). */
typedef void vg_xenstore_changed_cb(void *aux, const struct vg_xs_view *view);

/* Creates the source and, unless 'mode' is off, connects (libxenstore
 * xs_open(0): the socket named by $XENSTORED_PATH, else the default
 * xenstored socket, else /dev/xen/xenbus) and waits up to
 * VG_XENSTORE_STALL seconds for the first view, which vg_xenstore_view()
 * then returns; 'cb' is not called for it.  Calls 'cb' from the daemon's
 * loop for every later view. */
struct vg_xenstore *vg_xenstore_create(enum vg_xenstore_mode mode,
                                       vg_xenstore_changed_cb *cb, void *aux);
void vg_xenstore_destroy(struct vg_xenstore *);

/* The current view, or NULL if the source is off or has never been
 * connected.  After a connection loss: the last view. */
const struct vg_xs_view *vg_xenstore_view(const struct vg_xenstore *);

/* True unless the source is off: mode off, or auto on a host without
 * xenstore (mode on is always active).  While it is active and has no view
 * yet, guests whose policy may be in xenstore must wait for it. */
bool vg_xenstore_active(const struct vg_xenstore *);

/* The state for vifguard-ctl show: "off", "connected", "unreachable"
 * (never connected), "lost" or "stalled" (xenstored does not answer a
 * request), and the last error (NULL if none). */
const char *vg_xenstore_state(const struct vg_xenstore *, const char **error);

#endif /* src/xenstore.h */
