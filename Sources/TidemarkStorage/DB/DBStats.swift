/// Inspection of a database: what `tidemark inspect` and `/api/v1/status/tsdb` report.
extension DB {
    /// Number of distinct series per metric name over the head and all blocks, most first.
    public func seriesCountByMetricName(limit: Int = 10) throws(StorageError) -> [(name: String, series: Int)] {
        var perName: [String: Set<Labels>] = [:]
        for name in head.postings.labelValues(metricNameLabel) {
            for id in head.postings.postings(metricNameLabel, name) {
                if let s = head.series.get(id) { perName[name, default: []].insert(s.labels) }
            }
        }
        for block in blocks {
            for name in block.index.labelValues(metricNameLabel) {
                for id in try block.index.postings(metricNameLabel, name) {
                    perName[name, default: []].insert(try block.index.series(id).labels)
                }
            }
        }
        return perName.map { ($0.key, $0.value.count) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .prefix(limit).map { $0 }
    }
}
