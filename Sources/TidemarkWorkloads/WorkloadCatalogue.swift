import TidemarkStorage

/// A metric family of the node workload, as its `# TYPE` line names it.
public struct WorkloadFamily: Sendable, Hashable {
    /// The family name: without `_total` for counters, without `_bucket`/`_sum`/`_count`
    /// for histograms (OpenMetrics naming).
    public let name: String
    public let type: MetricType
    public let help: String
    /// The OpenMetrics unit (a suffix of `name`), or nil.
    public let unit: String?
    /// The family's values among a host's values.
    let slots: Range<Int>
    let group: ModelGroup
}

/// One generated series.
public struct WorkloadSeries: Sendable {
    public let labels: Labels
    /// Index into `NodeWorkload.families`.
    public let family: Int
    /// The host (0-based) the series belongs to.
    public let host: Int
}

/// The fixed list of families and, per family and host, the extra label of each series.
enum WorkloadCatalogue {
    /// (family, per-slot sample name and extra label) in slot order.
    struct Entry {
        let family: WorkloadFamily
        let series: [(name: String, extra: (String, String)?)]
    }

    static let entries: [Entry] = {
        var out: [Entry] = []
        var slot = 0
        func add(_ name: String, _ type: MetricType, _ help: String, unit: String?, group: ModelGroup,
                 _ series: [(String, (String, String)?)]) {
            let f = WorkloadFamily(name: name, type: type, help: help, unit: unit, slots: slot..<(slot + series.count), group: group)
            precondition(f.slots.lowerBound >= group.firstSlot && f.slots.upperBound <= group.firstSlot + group.slotCount)
            out.append(Entry(family: f, series: series.map { (name: $0.0, extra: $0.1) }))
            slot += series.count
        }
        add("node_cpu_usage_percent", .gauge, "Share of CPU time spent in each mode.", unit: "percent", group: .cpuLoad,
            CPULoadModel.modes.map { ("node_cpu_usage_percent", ("mode", $0)) })
        for m in [1, 5, 15] {
            add("node_load\(m)", .gauge, "\(m)m load average.", unit: nil, group: .cpuLoad, [("node_load\(m)", nil)])
        }
        for (field, help) in [("MemTotal", "Total memory."), ("MemAvailable", "Memory available for new work."),
                              ("MemFree", "Unused memory."), ("Cached", "Page cache."), ("Buffers", "Block device buffers.")] {
            let name = "node_memory_\(field)_bytes"
            add(name, .gauge, "Memory information field \(field): \(help)", unit: "bytes", group: .memory, [(name, nil)])
        }
        for (dir, help) in [("read", "read from"), ("written", "written to")] {
            add("node_disk_\(dir)_bytes", .counter, "The total number of bytes \(help) the disk.", unit: "bytes", group: .disk,
                ByteCounterModel.disks.map { ("node_disk_\(dir)_bytes_total", ("device", $0)) })
        }
        for dir in ["receive", "transmit"] {
            add("node_network_\(dir)_bytes", .counter, "Network device statistic \(dir)_bytes.", unit: "bytes", group: .network,
                ByteCounterModel.interfaces.map { ("node_network_\(dir)_bytes_total", ("device", $0)) })
        }
        add("http_requests", .counter, "HTTP requests served, by status code.", unit: nil, group: .http,
            HTTPModel.codes.map { ("http_requests_total", ("code", $0)) })
        add("http_request_duration_seconds", .histogram, "HTTP request latency.", unit: "seconds", group: .http,
            HTTPModel.bucketLabels.map { ("http_request_duration_seconds_bucket", ("le", $0)) }
                + [("http_request_duration_seconds_count", nil), ("http_request_duration_seconds_sum", nil)])
        precondition(slot == ModelGroup.slotsPerHost)
        return out
    }()
}
