#!/usr/bin/env bash
# Bytes per sample: Tidemark vs VictoriaMetrics, on the data compare-prometheus.sh loaded.
#
#   scripts/compare-victoriametrics.sh [TIDEMARK_BINARY] [WORK_DIR] [PORT]
#
# Defaults: .build/release/tidemark, /tmp/tidemark-compare, 18428. Needs WORK_DIR/tidemark
# from scripts/compare-prometheus.sh (same hosts × hours), Debian's `victoria-metrics`,
# curl and jq. Exports every sample from Tidemark as Prometheus text (ms timestamps,
# lossless), posts it to a VictoriaMetrics on 127.0.0.1 (/api/v1/import/prometheus),
# forces a flush and a full merge, and compares `du -sb` of VictoriaMetrics' data
# directory (less its empty cache/indexdb scaffolding, reported separately) with
# Tidemark's blocks. VictoriaMetrics is stopped at the end.
set -euo pipefail
BIN=$(readlink -f "${1:-.build/release/tidemark}")
WORK=${2:-/tmp/tidemark-compare}
PORT=${3:-18428}
VMDATA="$WORK/vm-data"
TEXT="$WORK/export.prom"
command -v victoria-metrics >/dev/null || { echo "victoria-metrics is not installed (apt-get install -y victoria-metrics)" >&2; exit 1; }
[ -d "$WORK/tidemark" ] || { echo "run scripts/compare-prometheus.sh first ($WORK/tidemark missing)" >&2; exit 1; }
echo "== machine"; nproc; grep -m1 'model name' /proc/cpuinfo; victoria-metrics --version 2>&1 | head -1 || true
if [ ! -s "$TEXT" ]; then
    echo "== export from Tidemark"
    "$BIN" export --data "$WORK/tidemark" --match '{__name__=~".+"}' --format prometheus > "$TEXT"
fi
samples=$(grep -vc '^#' "$TEXT")
echo "samples in export: $samples"
rm -rf "$VMDATA"
victoria-metrics -storageDataPath "$VMDATA" -retentionPeriod 100y -httpListenAddr "127.0.0.1:$PORT" \
    -search.disableCache >"$WORK/vm.log" 2>&1 &
VM=$!
trap 'kill $VM 2>/dev/null || true; wait $VM 2>/dev/null || true' EXIT
for i in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
echo "== import into VictoriaMetrics"
start=$(date +%s.%N)
curl -fsS -X POST -T "$TEXT" "http://127.0.0.1:$PORT/api/v1/import/prometheus"  # -T streams; --data-binary would load the whole file
curl -fsS "http://127.0.0.1:$PORT/internal/force_flush" >/dev/null
end=$(date +%s.%N)
echo "import + flush: $(echo "$end - $start" | bc) s"
# Series count and sample count as VictoriaMetrics sees them.
curl -fsS "http://127.0.0.1:$PORT/api/v1/series/count" | jq -c .
sleep 5
curl -fsS "http://127.0.0.1:$PORT/internal/force_merge" >/dev/null || true
# force_merge runs in the background: wait until the data size stops changing.
prev=0
for i in $(seq 1 60); do
    size=$(du -sb "$VMDATA/data" | cut -f1)
    [ "$size" = "$prev" ] && break
    prev=$size; sleep 2
done
vm_data=$(du -sb "$VMDATA/data" | cut -f1)
vm_index=$(du -sb "$VMDATA/indexdb" | cut -f1)
vm_total=$(du -sb "$VMDATA" | cut -f1)
tm=$("$BIN" inspect --data "$WORK/tidemark" --format json | jq '[.blocks[].bytes] | add')
printf "RESULT victoriametrics  data %d + indexdb %d = %d bytes (whole dir %d)  bytes/sample %.4f (data only %.4f)\n" \
    "$vm_data" "$vm_index" $((vm_data + vm_index)) "$vm_total" "$(echo "($vm_data + $vm_index) / $samples" | bc -l)" "$(echo "$vm_data / $samples" | bc -l)"
printf "RESULT tidemark         blocks %d bytes  bytes/sample %.4f\n" "$tm" "$(echo "$tm / $samples" | bc -l)"
