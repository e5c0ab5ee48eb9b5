/// How long and how much data of one resolution to keep. Whole blocks are dropped,
/// oldest first: by time when a block ends more than `time` before the newest data
/// (Prometheus measures from the data, not the clock), by size while the resolution's
/// blocks take more than `size` bytes.
public struct Retention: Sendable, Equatable {
    /// Milliseconds; nil keeps data forever.
    public var time: Int64?
    /// Bytes of block files; nil has no limit.
    public var size: Int?

    public init(time: Int64? = nil, size: Int? = nil) {
        self.time = time
        self.size = size
    }

    /// Prometheus's default: 15 days, no size limit.
    public static let defaultRaw = Retention(time: 15 * 24 * 3600 * 1000)
}

/// Why retention dropped a block.
public struct RetentionDrop: Sendable, Equatable, CustomStringConvertible {
    public var block: BlockMeta
    public var bytes: Int
    public enum Reason: Sendable, Equatable { case time, size }
    public var reason: Reason

    public var description: String {
        let why = reason == .time ? "older than the retention time" : "over the retention size"
        return "dropped \(block.resolution) block \(block.ulid) [\(block.minTime), \(block.maxTime)) of \(bytes) bytes: \(why)"
    }
}

/// Decides which blocks retention drops: a pure function of the blocks, their sizes and
/// the newest sample time.
struct RetentionPlanner {
    let policies: [String: Retention]

    func drops(_ blocks: [(meta: BlockMeta, bytes: Int)], newestTime: Int64) -> [RetentionDrop] {
        var out: [RetentionDrop] = []
        let byResolution = Dictionary(grouping: blocks, by: { $0.meta.resolution })
        for (resolution, group) in byResolution.sorted(by: { $0.key < $1.key }) {
            guard let policy = policies[resolution] else { continue }
            var kept = group.sorted { $0.meta.minTime != $1.meta.minTime ? $0.meta.minTime < $1.meta.minTime : $0.meta.ulid < $1.meta.ulid }
            if let time = policy.time {
                let cutoff = newestTime &- time
                for b in kept where b.meta.maxTime <= cutoff { out.append(RetentionDrop(block: b.meta, bytes: b.bytes, reason: .time)) }
                kept.removeAll { $0.meta.maxTime <= cutoff }
            }
            if let size = policy.size {
                var total = kept.reduce(0) { $0 + $1.bytes }
                while total > size, let oldest = kept.first {
                    out.append(RetentionDrop(block: oldest.meta, bytes: oldest.bytes, reason: .size))
                    total -= oldest.bytes
                    kept.removeFirst()
                }
            }
        }
        return out
    }
}
