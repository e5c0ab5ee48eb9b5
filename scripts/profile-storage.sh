#!/usr/bin/env bash
# Instruction counts per sample (valgrind --tool=callgrind) for the storage hot paths:
# appends by SeriesRef, chunk decode, and block select+iterate, using
# Benchmarks/Profiling/StorageProfile. callgrind counts instructions, so the figures do
# not depend on what else the machine is doing (this VM has no hardware counters for perf).
#
#   scripts/profile-storage.sh [OUT_DIR] [NAME_REGEX]   (default /tmp/tidemark-callgrind, all)
#   e.g. scripts/profile-storage.sh /tmp/cg 'codec|drain'     only the codec and drain profiles
#
# valgrind 3.19 cannot read the DWARF 5 debug info Swift 6.3 emits, so the binary is
# profiled from a copy with `strip --strip-debug` (function names stay; no line numbers).
# Read the results with: callgrind_annotate [--inclusive=yes] OUT_DIR/<name>.out | less
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/tidemark-callgrind}
ONLY=${2:-.}
mkdir -p "$OUT"
(cd "$ROOT/Benchmarks" && swift build -c release --product StorageProfile)
BIN_DIR=$(cd "$ROOT/Benchmarks" && swift build -c release --show-bin-path)
cp "$BIN_DIR/StorageProfile" "$OUT/StorageProfile"
strip --strip-debug "$OUT/StorageProfile"
export LD_LIBRARY_PATH="$BIN_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# profile NAME SAMPLES TOGGLE ARGS...: SAMPLES is how many samples the toggled part handles.
profile() {
    local name=$1 samples=$2 toggle=$3; shift 3
    [[ $name =~ $ONLY ]] || return 0
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.out" --toggle-collect="$toggle" \
        "$OUT/StorageProfile" "$@" > "$OUT/$name.log" 2>&1
    local ir
    ir=$(callgrind_annotate "$OUT/$name.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    awk -v n="$name" -v ir="$ir" -v s="$samples" 'BEGIN { printf "%-28s %14d instructions / %9d samples = %6.1f per sample\n", n, ir, s, ir / s }'
}

# 300 commits of 1000 samples by SeriesRef (250 hosts, 10,250 series, WAL sync never).
profile append-by-ref 300000 '*appendBatch*' append 300 1000
# 240-sample chunks of 25 hosts × 719 scrapes, 3 times: as the head cuts them (XOR, next())
# and as a block stores them (smallest codec, decoded a chunk at a time into a SampleBuffer).
profile chunk-decode-xor 2210925 '*decodeAll*' decode 25 719 3 xor
profile chunk-decode-block 2210925 '*decodeBatches*' decode 25 719 3 block
# select {job="node"} on one block (25 hosts × 719 scrapes) and decode everything, 3 times.
profile block-select-iterate 2210925 '*runQueries*' iterate block 25 719 3
# The same on the head.
profile head-select-iterate 2210925 '*runQueries*' iterate head 25 719 3
# cpu-only-like data (10 s apart; a full-precision random walk in [0, 100], or rounded to
# integers): 1000 chunks of 120 samples, 3 times, decoded a chunk at a time into a plain
# buffer (ChunkIterator.decode), into a SampleBuffer straight from the bytes (as
# SeriesIterator loads chunks) and sample by sample (next()); XOR, and the integers also
# in their smallest codec (decimal-packed).
profile codec-xor-float-bulk 360000 '*codecBulk*' codec float xor 120 1000 3
profile codec-xor-float-buffer 360000 '*codecBuffer*' codec float xor 120 1000 3
profile codec-xor-float-next 360000 '*codecNext*' codec float xor 120 1000 3
profile codec-xor-int-bulk 360000 '*codecBulk*' codec int xor 120 1000 3
profile codec-xor-int-buffer 360000 '*codecBuffer*' codec int xor 120 1000 3
# The same float walk with node-exporter-like jittered scrape times (10 s ± up to 1 s, or
# ± 50 ms): most delta-of-deltas nonzero (`110` + 14 bits, or `10` + 8 bits).
profile codec-xor-jitter1s-bulk 360000 '*codecBulk*' codec float xor 120 1000 3 1000
profile codec-xor-jitter1s-buffer 360000 '*codecBuffer*' codec float xor 120 1000 3 1000
profile codec-xor-jitter50-bulk 360000 '*codecBulk*' codec float xor 120 1000 3 50
profile codec-decimal-int-bulk 360000 '*codecBulk*' codec int smallest 120 1000 3
profile codec-decimal-int-buffer 360000 '*codecBuffer*' codec int smallest 120 1000 3
profile codec-decimal-int-next 360000 '*codecNext*' codec int smallest 120 1000 3
# TSBS cpu-only's integer walk (normal steps, truncated) in 720-sample block chunks:
# decimal chunks with a k = 0 Rice value column.
profile codec-tsbs-int-bulk 1080000 '*codecBulk*' codec tsbs smallest 720 500 3
profile codec-tsbs-int-buffer 1080000 '*codecBuffer*' codec tsbs smallest 720 500 3
# A large scan: 100 series × 8640 samples (a day at 10 s) in one block, 240-sample chunks
# in the smallest codec, each series drained into arrays as the query engine does: the
# first pass (pages read from the files: checksum, LZ4), then once more from the cache.
profile drain-float-cold 864000 '*drainCold*' drain float 100 8640 1
profile drain-float 864000 '*drainSeries*' drain float 100 8640 1
profile drain-int-cold 864000 '*drainCold*' drain int 100 8640 1
profile drain-int 864000 '*drainSeries*' drain int 100 8640 1
