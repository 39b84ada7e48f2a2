# The daemon as a convenience library plus thin main programs.
# Module ownership of external libraries: only src/loop.c includes <ev.h>;
# only src/jsonrpc.c, src/ovsdb.c, src/fdb.c and src/ctl*.c include json-c.
noinst_LIBRARIES += src/libvifguard.a
src_libvifguard_a_SOURCES = \
	src/model.c src/model.h
src_libvifguard_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_libvifguard_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVG_ATTACH_COMMAND_DEFAULT='"$(sbindir)/vifguard-attach"'

# Link order for every program using the daemon library.
VG_LDADD = src/libvifguard.a ofp/libofp.a $(JSONC_LIBS) $(EV_LIBS)

# Lead's block: policy, flow compiler, OpenFlow connections, engine.
src_libvifguard_a_SOURCES += \
	src/loop.c src/loop.h \
	src/log.h \
	src/status.h \
	src/policy.c src/policy.h \
	src/flows.c src/flows.h \
	src/deliver.c src/deliver.h \
	src/ofconn.c src/ofconn.h \
	src/engine.c src/engine.h

# h8's block: OVSDB client (JSON-RPC transport, monitor, snapshots).
src_libvifguard_a_SOURCES += \
	src/jsonrpc.c src/jsonrpc.h \
	src/ovsdb.c src/ovsdb.h

# h7's block: logging, settings, process plumbing, control socket, and
# the main programs vifguardd and vifguard-ctl.
src_libvifguard_a_SOURCES += \
	src/log.c \
	src/status.c \
	src/config.c src/config.h \
	src/daemon.c src/daemon.h \
	src/ctl.c src/ctl-json.c src/ctl.h
sbin_PROGRAMS += vifguardd
vifguardd_SOURCES = src/vifguardd.c
vifguardd_LDADD = $(VG_LDADD) $(XENSTORE_LIBS)
bin_PROGRAMS += vifguard-ctl
vifguard_ctl_SOURCES = src/vifguard-ctl.c
vifguard_ctl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
vifguard_ctl_LDADD = $(VG_LDADD)

# attach-bridges: keeps matching bridges attached (runs vifguard-attach).
src_libvifguard_a_SOURCES += \
	src/autoattach.c src/autoattach.h

# h12's block: NO_FLOOD through short OpenFlow 1.0 sessions.
src_libvifguard_a_SOURCES += \
	src/noflood.c src/noflood.h

# NORMAL's MAC table: removing what guest ports learned before they were
# locked (ovs-vswitchd's control socket).
src_libvifguard_a_SOURCES += \
	src/fdb.c src/fdb.h

# bond-learning helper: learning frames for bonds.
src_libvifguard_a_SOURCES += \
	src/bondlearn.c src/bondlearn.h

# xs-source's block: the xenstore policy source (issue 6).  Only vifguardd
# links libxenstore: src/xenstore.o is pulled from the library by it alone.
src_libvifguard_a_SOURCES += \
	src/xspolicy.c src/xspolicy.h \
	src/xenstore.c src/xenstore.h
