/* Keeps the bridges named by the attach-bridges setting attached to
 * vifguardd, also when something else re-creates or resets them.
 *
 * On XenServer, xapi (xcp-networkd) re-creates a bridge on host reboot and
 * PIF reconfiguration and resets its fail_mode on a toolstack restart; a
 * bridge attached once by hand would silently lose vifguard.  On every host
 * snapshot this module finds the matching bridges that are not attached
 * (none of vifguardd's controller targets, or a fail_mode other than
 * "secure") and runs "vifguard-attach attach BRIDGE" for each: the one
 * implementation of attach, which saves the bridge's previous state for
 * detach.  The runs are asynchronous children of the event loop, at most one
 * per bridge, with a time limit, their output in the daemon's log, and an
 * exponential backoff after a failure.  What it does shows in
 * "vifguard-ctl show". */
#ifndef VG_AUTOATTACH_H
#define VG_AUTOATTACH_H 1

struct vg_config;
struct vg_host;
struct vg_status;

/* Creates the module for 'cfg' (its attach_globs, attach_command, ovsdb and
 * listen targets are copied).  Returns NULL if 'cfg' has no attach-bridges
 * patterns (the feature is off). */
struct autoattach *autoattach_create(const struct vg_config *cfg);

/* Kills any vifguard-attach still running and frees 'aa'.  Accepts NULL. */
void autoattach_destroy(struct autoattach *aa);

/* Takes in a new snapshot of the host: starts attach runs as needed. */
void autoattach_set_host(struct autoattach *aa, const struct vg_host *host);

/* Fills in the attach part of 'st'. */
void autoattach_get_status(const struct autoattach *aa, struct vg_status *st);

#endif /* src/autoattach.h */
