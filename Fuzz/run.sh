#!/usr/bin/env bash
# Builds the libFuzzer targets with coverage + AddressSanitizer and runs one of them.
#
#   Fuzz/run.sh [seconds] [target]      default: 60 s, FuzzChunkDecoder
#   Fuzz/run.sh 0                       regression pass: run every corpus file once
#
# New inputs go to Fuzz/corpus-work/<target>/ (gitignored); the committed seeds in
# Fuzz/corpus/<target>/ are only read. Crashes are written to
# Fuzz/corpus-work/artifacts/; reproduce one with
#   SWIFT_BACKTRACE=enable=no Fuzz/.build/release/<target> <crash-file>
set -euo pipefail

seconds="${1:-60}"
target="${2:-FuzzChunkDecoder}"
cd "$(dirname "$0")"

# Exactly this flag combination: `--sanitize=fuzzer --sanitize=address` sometimes
# produces a binary without coverage instrumentation (docs: swift-stack notes §4c).
swift build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address

binary=".build/release/$target"
# Not `grep -q`: it quits at the first match, readelf then dies of SIGPIPE and
# pipefail turns that into a failed check.
if ! readelf -S "$binary" | grep __sancov_cntrs > /dev/null; then
    echo "error: $binary is not coverage-instrumented (no __sancov_cntrs section)" >&2
    exit 1
fi

mkdir -p "corpus-work/$target" "corpus-work/artifacts" "corpus/$target"

# Without SWIFT_BACKTRACE=enable=no, Swift's backtracer swallows traps and libFuzzer
# never writes the crashing input.
export SWIFT_BACKTRACE=enable=no
if [ "$seconds" = "0" ]; then
    exec "./$binary" -runs=0 "corpus/$target"
fi
exec "./$binary" \
    -max_total_time="$seconds" \
    -max_len=8192 \
    -print_final_stats=1 \
    -artifact_prefix="corpus-work/artifacts/" \
    "corpus-work/$target" "corpus/$target"
