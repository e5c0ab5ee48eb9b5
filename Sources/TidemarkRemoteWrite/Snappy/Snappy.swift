import CSnappy

/// Snappy's block format (not the framed stream format), as remote write uses it,
/// through libsnappy.
public enum Snappy {
    /// Compresses `input` into one snappy block.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var outLen = snappy_max_compressed_length(input.count)
        var out = [UInt8](repeating: 0, count: outLen)
        let status = input.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                inp.withMemoryRebound(to: CChar.self) { i in
                    o.withMemoryRebound(to: CChar.self) { snappy_compress(i.baseAddress, i.count, $0.baseAddress, &outLen) }
                }
            }
        }
        precondition(status == SNAPPY_OK, "snappy_compress cannot fail with a max-length buffer")
        out.removeLast(out.count - outLen)
        return out
    }

    /// Decompresses one snappy block whose decoded length is at most `maxLength`.
    public static func decompress(_ input: [UInt8], maxLength: Int) throws(SnappyError) -> [UInt8] {
        var length = 0
        let lenStatus = input.withUnsafeBufferPointer { inp in
            inp.withMemoryRebound(to: CChar.self) { snappy_uncompressed_length($0.baseAddress, $0.count, &length) }
        }
        guard lenStatus == SNAPPY_OK else { throw .corrupt }
        guard length <= maxLength else { throw .tooLarge(length: length, limit: maxLength) }
        var status = SNAPPY_OK
        // Straight into the result's storage, not zero-filled first.
        let out = [UInt8](unsafeUninitializedCapacity: length) { o, initialized in
            var outLen = length
            status = input.withUnsafeBufferPointer { inp in
                inp.withMemoryRebound(to: CChar.self) { i in
                    o.withMemoryRebound(to: CChar.self) { snappy_uncompress(i.baseAddress, i.count, $0.baseAddress, &outLen) }
                }
            }
            if status != SNAPPY_OK || outLen != length { status = SNAPPY_INVALID_INPUT }
            // On failure the bytes are not all written: hand back none of them.
            initialized = status == SNAPPY_OK ? length : 0
        }
        guard status == SNAPPY_OK else { throw .corrupt }
        return out
    }
}

/// A snappy block that cannot be decoded.
public enum SnappyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a valid snappy block.
    case corrupt
    /// The decoded size exceeds the allowed limit.
    case tooLarge(length: Int, limit: Int)

    public var description: String {
        switch self {
        case .corrupt: return "snappy: corrupt input"
        case .tooLarge(let n, let limit): return "snappy: decoded length \(n) exceeds the limit of \(limit) bytes"
        }
    }
}
