#!/usr/bin/env bash
# Static p90 thresholds for the ordo-one/benchmark suites (Benchmarks/), checked in
# under Benchmarks/Thresholds. See Benchmarks/README.md, "Regression check".
#
#   scripts/benchmark-thresholds.sh check            # run the covered benchmarks, compare with the files
#   scripts/benchmark-thresholds.sh update           # run them and rewrite the files
#   scripts/benchmark-thresholds.sh check --skip 'Range query.*'    # extra arguments go to the plugin
#
# Exit status (from `swift package benchmark`): 0 within the tolerances; non-zero when a
# checked metric is worse than its threshold (plugin code 2) or better by more than the
# tolerance (code 4: update the thresholds), or when no threshold file matched.
#
# Why a script and not a plain `benchmark thresholds update`: in ordo-one/benchmark
# 1.38.1 `thresholds update` names the files `Target.Name.p90.json` after replacing
# ' ' and '/' in the benchmark name with '_', while `thresholds check` (and `read`)
# look for `Target.<name as written in the suite>.p90.json`. Every Tidemark benchmark
# name has spaces, so files written by `update` are never found ("Could not find any
# matching absolute thresholds"). This script renames them to the exact names, and
# keeps only the metrics that have tolerances in the suites' configurations (a metric
# in a file without a configured tolerance is checked with `.strict`, zero tolerance).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/Benchmarks"

# The benchmarks that have thresholds: regular expressions, each matched against the
# whole benchmark name (names are unique across the three targets).
FILTERS=(
    # EncodingBenchmarks: encoders and decoders
    'Timestamp (encode|decode) \(samples\)'
    'XOR (encode|decode) gauge 2 decimals \(samples\)'
    'Chunk batch decode decimal 8×125 \(samples\)'
    # StorageBenchmarks: WAL (append through the WAL, WAL records) and index lookups
    'Append by ref, WAL sync never, batch 1000 \(batches\)'
    'WAL samples record (encode|decode), 1000 samples \(samples\)'
    '(Head|Block) select node_load1.* → 1 series'
    'Block select node_cpu_usage_percent.* → 250 series'
    # QueryBenchmarks: parser and evaluator
    'Parse 6 typical queries \(parses\)'
    'Range query: (sum by|topk).*'
)
# Metrics kept in the files; the suites give each a tolerance.
METRICS='wallClock mallocCountTotal'
THRESHOLDS=Thresholds

filter_args=()
for f in "${FILTERS[@]}"; do filter_args+=(--filter "$f"); done

cmd=${1:-check}
shift || true
case "$cmd" in
check)
    exec swift package --disable-sandbox benchmark thresholds check \
        --path "$PWD/$THRESHOLDS" "${filter_args[@]}" --no-progress "$@"
    ;;
update)
    raw=$(mktemp -d /tmp/tidemark-thresholds.XXXXXX)
    trap 'rm -rf "$raw"' EXIT
    swift package --disable-sandbox benchmark thresholds update \
        --path "$raw" "${filter_args[@]}" --no-progress "$@"
    # Benchmark names per target, as the suites spell them.
    names=$(swift package --disable-sandbox benchmark list 2>/dev/null)
    mkdir -p "$THRESHOLDS"
    written=0
    target=
    while IFS= read -r line; do
        if [[ $line =~ ^Target\ \'(.*)\'\ available\ benchmarks:$ ]]; then
            target=${BASH_REMATCH[1]}
            continue
        fi
        [[ -n $target && -n $line ]] || continue
        cleaned=${line// /_}
        cleaned=${cleaned//\//_}
        src="$raw/$target.$cleaned.p90.json"
        [[ -f $src ]] || continue
        if [[ $line == */* ]]; then
            echo "error: '$line' contains '/', which thresholds check cannot read as a file name" >&2
            exit 1
        fi
        jq --sort-keys --arg keep "$METRICS" \
            'with_entries(select(.key as $k | ($keep | split(" ") | index($k))))' \
            "$src" > "$THRESHOLDS/$target.$line.p90.json"
        echo "wrote $THRESHOLDS/$target.$line.p90.json: $(jq -c . "$THRESHOLDS/$target.$line.p90.json")"
        written=$((written + 1))
    done <<< "$names"
    echo "$written threshold files in Benchmarks/$THRESHOLDS"
    ;;
*)
    echo "usage: $0 check|update [plugin arguments...]" >&2
    exit 64
    ;;
esac
