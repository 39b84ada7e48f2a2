# Service files: the systemd unit (a template: make fills in the install
# paths), the default configuration file and the bash completion of
# vifguard-ctl and vifguard-attach.
#
# The unit goes to $(prefix)/lib/systemd/system: /usr/lib/systemd/system
# for the packages (Debian with merged /usr, XenServer's dom0).  Override
# with "make systemdsystemunitdir=DIR".

# Turns a template into its file: @sbindir@, @bindir@, @sysconfdir@,
# @localstatedir@ and @VERSION@ become their make-time values (autoconf
# leaves them as ${prefix}-relative expressions, so configure cannot).
# Used by scripts/automake.mk too.
vg_edit = sed \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g' \
	-e 's|@VERSION[@]|$(VERSION)|g'

systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = etc/vifguardd.service
etc/vifguardd.service: etc/vifguardd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	$(vg_edit) $(srcdir)/etc/vifguardd.service.in >$@.tmp && mv $@.tmp $@

vifguardconfdir = $(sysconfdir)/vifguard
dist_vifguardconf_DATA = etc/vifguard.conf

# One file, installed under both commands' names: bash-completion loads
# completions/NAME when NAME is first completed.
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = \
	etc/completions/vifguard-ctl \
	etc/completions/vifguard-attach
etc/completions/vifguard-ctl etc/completions/vifguard-attach: \
		etc/vifguard.bash-completion
	$(AM_V_GEN)$(MKDIR_P) etc/completions && \
	cp $(srcdir)/etc/vifguard.bash-completion $@

EXTRA_DIST += \
	etc/vifguardd.service.in \
	etc/vifguard.bash-completion
CLEANFILES += \
	etc/vifguardd.service \
	etc/completions/vifguard-ctl \
	etc/completions/vifguard-attach
