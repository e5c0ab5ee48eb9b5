/// Builds one chunk of a single series: samples in timestamp order, encoded as two
/// Gorilla columns. The open chunk of a head series is a `ChunkBuilder`.
///
/// Chunk layout (docs/format/chunk.md):
///
/// ```
/// ┌──────────┬──────────────┬────────────────┬──────────────────┬──────────────┐
/// │ encoding │ count        │ ts column len  │ timestamp column │ value column │
/// │ 1 byte   │ uvarint      │ uvarint        │ len bytes        │ rest         │
/// └──────────┴──────────────┴────────────────┴──────────────────┴──────────────┘
/// ```
///
/// Once a sample with a start timestamp is appended, the chunk is written as
/// `xorColumnsWithStart` (0x03) instead: the same columns, the value column's length
/// after the timestamp column's, and a `StartColumn` at the end.
public struct ChunkBuilder: Sendable {
    private var timestamps = TimestampEncoder()
    private var values = XORValueEncoder()
    /// The start-timestamp column, empty until a sample with a start timestamp arrives
    /// (entries for the samples before it are then written as "none").
    private var starts: [UInt8] = []
    private var lastStart: Int64?
    /// True once some sample has a start timestamp: the chunk is then 0x03.
    public private(set) var hasStartTimestamps = false
    /// Lowest and highest timestamps appended (valid when `count > 0`).
    public private(set) var minTime: Int64 = .max
    public private(set) var maxTime: Int64 = .min

    public init() {}

    /// Number of samples appended.
    public var count: Int { timestamps.count }

    /// Approximate encoded size in bytes, for deciding when to cut a chunk.
    public var approximateBytes: Int { timestamps.writer.byteCount + values.writer.byteCount + starts.count + 4 }

    /// Appends a sample, with its start timestamp if it has one. Timestamps must not
    /// decrease; an equal timestamp is allowed by the codec but the storage layer rejects
    /// or ignores duplicates before calling this.
    public mutating func append(_ t: Int64, _ v: Double, startTimestamp st: Int64? = nil) throws(ChunkError) {
        if count > 0 && t < maxTime { throw .outOfOrder(previous: maxTime, got: t) }
        if st != nil && !hasStartTimestamps {
            hasStartTimestamps = true
            starts = [UInt8](repeating: StartColumn.none, count: count)
        }
        if hasStartTimestamps {
            StartColumn.append(st, at: t, previous: lastStart, to: &starts)
            lastStart = st
        }
        if count == 0 { minTime = t }
        timestamps.append(t)
        values.append(v)
        maxTime = t
    }

    /// The encoded chunk: `xorColumns`, or `xorColumnsWithStart` if some sample has a
    /// start timestamp.
    public func encoded() -> [UInt8] {
        let ts = timestamps.writer.bytes
        let vs = values.writer.bytes
        var out: [UInt8] = []
        out.reserveCapacity(ts.count + vs.count + starts.count + 16)
        out.append(hasStartTimestamps ? ChunkEncoding.xorColumnsWithStart.rawValue : ChunkEncoding.xorColumns.rawValue)
        Varint.append(UInt64(count), to: &out)
        Varint.append(UInt64(ts.count), to: &out)
        if hasStartTimestamps { Varint.append(UInt64(vs.count), to: &out) }
        out.append(contentsOf: ts)
        out.append(contentsOf: vs)
        out.append(contentsOf: starts)
        return out
    }

    /// Encodes a whole sorted series slice as one chunk.
    public static func encode(timestamps: [Int64], values: [Double]) throws(ChunkError) -> [UInt8] {
        precondition(timestamps.count == values.count)
        var b = ChunkBuilder()
        for i in timestamps.indices { try b.append(timestamps[i], values[i]) }
        return b.encoded()
    }

    /// Encodes a whole sorted series slice in the smallest codec that holds it exactly:
    /// `decimalPacked` (or `decimalRice`) when every value is an exact decimal and that is no larger, else
    /// `xorColumns`. Block writers use this; the head's open chunks stay XOR.
    public static func encodeSmallest(timestamps: [Int64], values: [Double]) throws(ChunkError) -> [UInt8] {
        let xor = try encode(timestamps: timestamps, values: values)
        if let decimal = DecimalChunk.encode(timestamps: timestamps, values: values), decimal.count <= xor.count {
            return decimal
        }
        return xor
    }

    /// Re-encodes a finished chunk in the smallest codec that holds it exactly (see
    /// `encodeSmallest`); returns the chunk unchanged when it is already smallest or
    /// cannot be decoded. Only `xorColumns` chunks are recoded: `decimalPacked` has no
    /// start-timestamp column, so an `xorColumnsWithStart` chunk always stays as it is.
    public static func recodeSmallest(_ chunk: [UInt8]) -> [UInt8] {
        guard chunk.first == ChunkEncoding.xorColumns.rawValue,
              let (ts, vs) = try? ChunkIterator.decodeAll(chunk),
              let decimal = DecimalChunk.encode(timestamps: ts, values: vs),
              decimal.count <= chunk.count
        else { return chunk }
        return decimal
    }
}
