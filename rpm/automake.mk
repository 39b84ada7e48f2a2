# Packaging: rpm/vifguard.spec (made from rpm/vifguard.spec.in, so that its
# Version comes from VERSION) and debian/.  Both build from the release
# tarball, which therefore carries them: "make dist", then
#     rpmbuild -tb vifguard-VERSION.tar.gz
# or, in the unpacked tarball, "dpkg-buildpackage -us -uc -b".
# tests/test_packaging.py does both.
rpm/vifguard.spec: rpm/vifguard.spec.in $(top_srcdir)/VERSION
	$(AM_V_GEN)$(MKDIR_P) rpm && \
	sed -e 's|@VERSION[@]|$(VERSION)|g' \
		$(srcdir)/rpm/vifguard.spec.in >$@.tmp && mv $@.tmp $@

EXTRA_DIST += \
	rpm/vifguard.spec.in \
	rpm/vifguard.spec \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/rules \
	debian/source/format \
	debian/vifguard.docs \
	debian/vifguard.prerm
MAINTAINERCLEANFILES = rpm/vifguard.spec
