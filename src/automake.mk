# The daemon as a convenience library plus thin main programs.
# Module ownership of external libraries: only src/loop.c includes <ev.h>;
# only src/jsonrpc.c, src/ovsdb.c and src/ctl*.c include json-c.
noinst_LIBRARIES += src/libvifguard.a
src_libvifguard_a_SOURCES = \
	src/model.c src/model.h
src_libvifguard_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)

# Link order for every program using the daemon library.
VG_LDADD = src/libvifguard.a ofp/libofp.a $(JSONC_LIBS) $(EV_LIBS)
