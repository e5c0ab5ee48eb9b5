#if canImport(Glibc)
import Glibc
#endif

/// Maps the raw bytes of a series in exposition text (`name{a="1"}`) to a number, so an
/// import parses the labels of each distinct series once and afterwards only hashes
/// bytes. Lookups do not allocate.
public struct SeriesTextCache {
    private var buckets: [UInt64: [(key: [UInt8], id: Int)]] = [:]

    public init() {}

    /// The number stored for these bytes, if any.
    public func lookup(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let entries = buckets[Self.hash(bytes)] else { return nil }
        for e in entries where e.key.count == bytes.count {
            if bytes.isEmpty { return e.id }
            let same = e.key.withUnsafeBytes { a in bytes.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
            if same { return e.id }
        }
        return nil
    }

    /// Stores a number for these bytes.
    public mutating func insert(_ bytes: ArraySlice<UInt8>, id: Int) {
        buckets[Self.hash(bytes), default: []].append((Array(bytes), id))
    }

    public var count: Int { buckets.values.reduce(0) { $0 + $1.count } }

    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 { ByteHash.hash(bytes) }
}
