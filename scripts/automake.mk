# Installed scripts.  vifguard-attach is a template for vg_edit (see
# etc/automake.mk): its version and the default configuration file path.
# The other scripts here (install-deps.sh, run-tests.sh, format.sh) are
# development tools, not installed (tests/automake.mk distributes them).
sbin_SCRIPTS = scripts/vifguard-attach
scripts/vifguard-attach: scripts/vifguard-attach.in Makefile
	$(AM_V_GEN)$(MKDIR_P) scripts && \
	$(vg_edit) $(srcdir)/scripts/vifguard-attach.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
EXTRA_DIST += scripts/vifguard-attach.in
CLEANFILES += scripts/vifguard-attach
