/// The first byte of every chunk: which codec wrote it. New codecs get new values; old
/// values are never reused, so every file stays readable.
public enum ChunkEncoding: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Delta-of-delta timestamp column followed by a Gorilla XOR value column.
    case xorColumns = 1
    /// Bit-packed delta-of-delta timestamps and bit-packed deltas of decimal mantissas
    /// (`DecimalChunk`), for chunks whose values are all exact decimals.
    case decimalPacked = 2
    /// The `xorColumns` columns plus a start-timestamp column (`StartColumn`): written
    /// only for chunks in which some sample has a start timestamp.
    case xorColumnsWithStart = 3
    /// The `decimalPacked` layout whose columns may also be Rice-coded (`RiceColumn`,
    /// told apart by their first byte): written when that makes the chunk smaller.
    case decimalRice = 4

    public var description: String {
        switch self {
        case .xorColumns: return "xor"
        case .decimalPacked: return "decimal"
        case .xorColumnsWithStart: return "xor+st"
        case .decimalRice: return "decimal+rice"
        }
    }
}

/// Why a chunk could not be decoded or appended to.
public enum ChunkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first byte names no codec this build knows.
    case unknownEncoding(UInt8)
    /// The header or a column ended early or was malformed.
    case corrupt(String)
    /// A timestamp was lower than the previous one in the same chunk.
    case outOfOrder(previous: Int64, got: Int64)

    public var description: String {
        switch self {
        case .unknownEncoding(let b): return "unknown chunk encoding byte \(b)"
        case .corrupt(let why): return "corrupt chunk: \(why)"
        case .outOfOrder(let p, let g): return "out-of-order sample: timestamp \(g) is before \(p)"
        }
    }
}
