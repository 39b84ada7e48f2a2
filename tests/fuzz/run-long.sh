#!/bin/sh
# tests/fuzz/run-long.sh TARGET SECONDS: one long libFuzzer run (e.g. the
# 30-minute runs: SECONDS=1800) of TARGET (fuzz-ofp-decode,
# fuzz-ofp-roundtrip, fuzz-ofp-parse or any other tests/fuzz/fuzz-*.c) on a
# copy of its committed seed corpus, with the same options as
# tests/test_fuzz.py.  The grown corpus and any crash reproducers stay in the
# printed work directory; the committed corpus is not touched.
#
# Environment: VG_BUILD_FUZZ  build tree configured with
#              `CC=clang ../configure --enable-fuzzing` (default build/fuzz);
#              the target is (re)built there first.
#              VG_FUZZ_JOBS   parallel jobs (default 1).
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 TARGET SECONDS" >&2
    exit 2
fi
target=$1
seconds=$2
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=${VG_BUILD_FUZZ:-build/fuzz}
case $build in
    /*) ;;
    *) build=$srcdir/$build ;;
esac
jobs=${VG_FUZZ_JOBS:-1}

case $target in
    fuzz-ofp-decode|fuzz-ofp-roundtrip)
        extra="-max_len=16384" ;;
    fuzz-ofp-parse)
        extra="-max_len=2048 -dict=$srcdir/tests/fuzz/flows.dict" ;;
    *)
        extra="-max_len=16384" ;;
esac

make -C "$build" -s "tests/fuzz/$target" >&2
work=$(mktemp -d "/tmp/vg-$target.XXXXXX")
cp -r "$srcdir/tests/fuzz/corpus/$target" "$work/corpus"
mkdir "$work/artifacts"
echo "$0: work directory $work" >&2

jobopts=
if [ "$jobs" -gt 1 ]; then
    jobopts="-jobs=$jobs -workers=$jobs"
fi

status=0
echo "$0: running $target for $seconds s (log: $work/fuzz.log)" >&2
# shellcheck disable=SC2086
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/$target" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
    -print_final_stats=1 $jobopts \
    -artifact_prefix="$work/artifacts/" $extra "$work/corpus" \
    >"$work/fuzz.log" 2>&1 || status=$?
tail -n 20 "$work/fuzz.log"
if [ -n "$(ls -A "$work/artifacts")" ]; then
    echo "$0: $target FAILED; reproducers:" >&2
    ls -l "$work/artifacts" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "$0: $target exited with status $status" >&2
    exit 1
fi
echo "$0: $target: no crash in $seconds s (log: $work/fuzz.log)" >&2
