import TidemarkStorage
import TidemarkWorkloads

/// All samples of a workload grouped by series, in stream order.
func samplesBySeries(_ w: NodeWorkload) -> [[WorkloadSample]] {
    var out = [[WorkloadSample]](repeating: [], count: w.series.count)
    for s in w { out[s.series].append(s) }
    return out
}

/// Indexes of the series whose metric name is `name` (and `label` = `value`, when given).
func seriesIndexes(_ w: NodeWorkload, name: String, _ label: String? = nil, _ value: String? = nil) -> [Int] {
    w.series.indices.filter { i in
        let l = w.series[i].labels
        return l.metricName == name && (label == nil || l[label!] == value)
    }
}
