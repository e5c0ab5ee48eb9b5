/// The start-timestamp column of an `xorColumnsWithStart` chunk (encoding byte 0x03):
/// one entry per sample, in sample order.
///
/// ```
/// ┌──────────┐                         no start timestamp
/// │ 0x00     │
/// └──────────┘
/// ┌──────────┐                         the same start timestamp as the previous sample
/// │ 0x01     │                         (which must have one)
/// └──────────┘
/// ┌──────────┬───────────────────────┐ start timestamp st of the sample at t
/// │ 0x02     │ uvarint(zigzag(t − st)) │ (wrapping subtraction)
/// └──────────┴───────────────────────┘
/// ```
///
/// A cumulative counter (one start timestamp for many samples) costs one byte per sample;
/// a delta series whose start is the previous sample's time costs four at a 1-minute
/// interval. Every `Int64` start timestamp round-trips.
public enum StartColumn {
    /// Tags of the column's entries.
    static let none: UInt8 = 0
    static let same: UInt8 = 1
    static let explicit: UInt8 = 2

    /// Appends the entry of a sample at `t` with start `st`, after a sample whose start
    /// was `previous`.
    static func append(_ st: Int64?, at t: Int64, previous: Int64?, to out: inout [UInt8]) {
        guard let st else { out.append(none); return }
        if let p = previous, p == st { out.append(same); return }
        out.append(explicit)
        Varint.appendSigned(t &- st, to: &out)
    }

    /// Decodes `count` entries of the column in `bytes[start..<end]` for the samples at
    /// `timestamps`; the column must end exactly at `end`. Absent start timestamps are nil.
    static func decode(_ bytes: [UInt8], start: Int, end: Int, timestamps: [Int64]) throws(ChunkError) -> [Int64?] {
        var out: [Int64?] = []
        out.reserveCapacity(timestamps.count)
        var pos = start
        var previous: Int64?
        for (i, t) in timestamps.enumerated() {
            guard pos < end else { throw .corrupt("start-timestamp column ended after \(i) of \(timestamps.count) samples") }
            let tag = bytes[pos]
            pos += 1
            switch tag {
            case none:
                previous = nil
            case same:
                guard previous != nil else { throw .corrupt("start-timestamp entry \(i) repeats a missing start") }
            case explicit:
                guard let d = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("start-timestamp entry \(i) truncated") }
                previous = t &- Varint.unzigzag(d)
            default:
                throw .corrupt("start-timestamp entry \(i) has tag \(tag)")
            }
            out.append(previous)
        }
        guard pos == end else { throw .corrupt("\(end - pos) bytes after the start-timestamp column") }
        return out
    }
}
