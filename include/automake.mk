EXTRA_DIST += include/openflow/of13.h
