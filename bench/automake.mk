# Benchmarks: built by `make`, run by bench/*.sh (never by `make check`).
