#!/usr/bin/env bash
# Bytes per sample and import speed: Tidemark vs Prometheus's promtool, same file, same run.
#
#   scripts/compare-prometheus.sh [TIDEMARK_BINARY] [WORK_DIR] [HOSTS] [HOURS] [RUNS]
#
# Defaults: .build/release/tidemark, /tmp/tidemark-compare, 50 hosts, 24 hours, 1 run.
# Writes the generated OpenMetrics file (about 55 MB per host-day), the promtool blocks
# (default 2h blocks, and with promtool's hidden --max-block-duration=24h, which gives
# 18h blocks, the nearest thing to what a running Prometheus compacts them into) and
# the Tidemark data directory into WORK_DIR, and prints one line per measurement plus
# the machine. Needs Debian's `prometheus` package (promtool), jq and GNU time.
# docs/benchmarks.md quotes its output.
set -euo pipefail

BIN=${1:-.build/release/tidemark}
WORK=${2:-/tmp/tidemark-compare}
HOSTS=${3:-50}
HOURS=${4:-24}
RUNS=${5:-1}
BIN=$(readlink -f "$BIN")
mkdir -p "$WORK"
FILE="$WORK/node-${HOSTS}hosts-${HOURS}h.om"

echo "== machine"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo
grep MemTotal /proc/meminfo
uname -r
promtool --version 2>&1 | head -1
echo "tidemark: $BIN"

if [ ! -s "$FILE" ]; then
    echo "== generate"
    "$BIN" generate --hosts "$HOSTS" --hours "$HOURS" --start 1700000000 -o "$FILE"
fi
echo "input: $FILE $(stat -c %s "$FILE") bytes"
# Both tools read the file from the page cache: warm it once.
cat "$FILE" > /dev/null

# Sum of `du -sb` over the block directories (those with a meta.json) under $1: no
# WAL, lock file or chunks_head.
block_bytes() {
    local total=0 d
    for d in "$1"/*/; do
        [ -f "$d/meta.json" ] || continue
        total=$((total + $(du -sb "$d" | cut -f1)))
    done
    echo "$total"
}
# The same, counting regular files only (du -sb also counts 4 KiB per directory).
file_bytes() {
    local total=0 d
    for d in "$1"/*/; do
        [ -f "$d/meta.json" ] || continue
        total=$((total + $(find "$d" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')))
    done
    echo "$total"
}
block_samples() { cat "$1"/*/meta.json | jq -s 'map(.stats.numSamples) | add'; }
block_count() { ls -d "$1"/*/meta.json | wc -l; }

# run NAME OUTDIR COMMAND...: times the command with GNU time, then prints the result line.
run() {
    local name=$1 out=$2; shift 2
    rm -rf "$out"
    local log="$WORK/$name.log"
    echo "-- $name: $* (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    /usr/bin/time -v "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
    local wall rss user sys
    wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
    rss=$(grep 'Maximum resident' "$log" | awk '{print $NF}')
    user=$(grep 'User time' "$log" | awk '{print $NF}')
    sys=$(grep 'System time' "$log" | awk '{print $NF}')
    local bytes files samples blocks
    bytes=$(block_bytes "$out")
    files=$(file_bytes "$out")
    samples=$(block_samples "$out")
    blocks=$(block_count "$out")
    awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" -v m="$samples" -v k="$blocks" -v f="$files" 'BEGIN {
        split(w, p, ":"); secs = (length(p) == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2];
        printf "RESULT %-16s wall %8.2f s  user %7.2f s  sys %6.2f s  maxRSS %5.0f MiB  blocks %3d  samples %d  block bytes %d  bytes/sample %.4f (files only %.4f)  samples/s %.0f\n",
               n, secs, u, s, r/1024, k, m, b, b/m, f/m, m/secs }'
    grep -E '^imported' "$log" || true
}

for i in $(seq 1 "$RUNS"); do
    echo "== run $i"
    run promtool-2h "$WORK/prom-2h" promtool tsdb create-blocks-from openmetrics -q "$FILE" "$WORK/prom-2h"
    run promtool-18h "$WORK/prom-18h" promtool tsdb create-blocks-from openmetrics -q --max-block-duration=24h "$FILE" "$WORK/prom-18h"
    run tidemark "$WORK/tidemark" "$BIN" import --data "$WORK/tidemark" "$FILE"
    "$BIN" inspect --data "$WORK/tidemark" --format json |
        jq -c '{blockBytesPerSample, bytesPerSample, totalSamples, totalBytes, walBytes, blocks: (.blocks | length)}'
done
