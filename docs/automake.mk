# Manual pages (hand-written troff; docs/ as a whole is in EXTRA_DIST for
# DESIGN.md).
dist_man_MANS = \
	docs/vifguardd.8 \
	docs/vifguard-ctl.8 \
	docs/vifguard-attach.8
