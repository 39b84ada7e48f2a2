# libofp: the OpenFlow 1.3 codec.  Pure: bytes <-> structs, no I/O.
noinst_LIBRARIES += ofp/libofp.a
ofp_libofp_a_SOURCES = \
	ofp/buf.c ofp/buf.h \
	ofp/errors.c ofp/errors.h \
	ofp/match.c ofp/match.h \
	ofp/actions.c ofp/actions.h \
	ofp/msgs.c ofp/msgs.h \
	ofp/switch.c \
	ofp/flow.c \
	ofp/group.c ofp/group-private.h \
	ofp/meter.c \
	ofp/port.c \
	ofp/packet.c \
	ofp/multipart.c \
	ofp/bundle.c \
	ofp/print.c ofp/print.h \
	ofp/parse.c

# h12's block: the OpenFlow 1.0 subset for NO_FLOOD (src/noflood.c).
ofp_libofp_a_SOURCES += \
	ofp/of10.c ofp/of10.h \
	include/openflow/of10.h
