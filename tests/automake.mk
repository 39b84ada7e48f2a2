# Unit tests: one C program per module, each printing "N passed, N failed".
# tests/run-unit.sh runs them plain, under ASan+UBSan builds and valgrind.
UNIT_TESTS = \
	tests/unit/test-buf
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_unit_test_buf_SOURCES = tests/unit/test-buf.c tests/unit/check.h
tests_unit_test_buf_LDADD = ofp/libofp.a
