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

    /// FNV-1a over 8-byte words, then a final mix: fast and good enough for a hash table.
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        bytes.withUnsafeBytes { raw in
            var i = 0
            let n = raw.count
            while n - i >= 8 {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                i += 8
            }
            while i < n {
                h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3
                i += 1
            }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
