/// A column of unsigned integers stored at one fixed bit width, with the few values too
/// wide for it ("exceptions") listed after the packed fields (patched frame of reference).
///
/// Layout (docs/format/chunk.md, "Packed column"):
///
/// ```
/// ┌───────┬────────────┬──────────────────────────────┬──────────────────────────────┐
/// │ width │ exceptions │ count × width bits, MSB      │ per exception: uvarint gap,  │
/// │ u8    │ uvarint E  │ first, zero-padded to a byte │ uvarint value                │
/// └───────┴────────────┴──────────────────────────────┴──────────────────────────────┘
/// ```
///
/// An exception's packed field holds 0; its value follows, with the gap to the previous
/// exception's index minus one (the first counts from −1). The column does not store
/// `count`: the chunk header does.
///
/// The width is chosen to minimise the column's size: one late scrape or one counter
/// jump becomes an exception instead of widening every field.
public enum PackedIntegers {
    /// Appends `values` as a packed column to `out`.
    public static func append(_ values: [UInt64], to out: inout [UInt8]) {
        let width = bestWidth(values)
        let limit: UInt64 = width == 64 ? .max : (1 << UInt64(width)) &- 1
        var exceptions: [(index: Int, value: UInt64)] = []
        var writer = BitWriter(reservingBytes: (values.count * width + 7) / 8)
        for (i, v) in values.enumerated() {
            if v > limit {
                exceptions.append((i, v))
                writer.writeBits(0, count: width)
            } else {
                writer.writeBits(v, count: width)
            }
        }
        out.append(UInt8(width))
        Varint.append(UInt64(exceptions.count), to: &out)
        out.append(contentsOf: writer.bytes)
        var previous = -1
        for e in exceptions {
            Varint.append(UInt64(e.index - previous - 1), to: &out)
            Varint.append(e.value, to: &out)
            previous = e.index
        }
    }

    /// Decodes a column of `count` values starting at `bytes[position]`, which moves past
    /// the column; throws if the column is malformed or runs past `end`.
    public static func decode(
        _ bytes: [UInt8], at position: inout Int, end: Int, count: Int, into out: UnsafeMutablePointer<UInt64>
    ) throws(ChunkError) {
        guard position < end else { throw .corrupt("packed column header missing at byte \(position)") }
        let width = Int(bytes[position])
        guard width <= 64 else { throw .corrupt("packed column width \(width) > 64 at byte \(position)") }
        position += 1
        guard let exceptionCount = ByteVarint.read(bytes, &position, end), exceptionCount <= UInt64(count) else {
            throw .corrupt("packed column exception count missing or above \(count) at byte \(position)")
        }
        let packedBytes = (count * width + 7) / 8
        guard packedBytes <= end - position else {
            throw .corrupt("packed column of \(count) × \(width) bits runs past the chunk end")
        }
        var reader = BitReader(bytes, start: position, end: position + packedBytes)
        reader.unpack(width: width, count: count, into: out)
        position += packedBytes
        var index = -1
        for _ in 0..<Int(exceptionCount) {
            guard let gap = ByteVarint.read(bytes, &position, end), gap < UInt64(count),
                  let value = ByteVarint.read(bytes, &position, end)
            else { throw .corrupt("packed column exception list truncated at byte \(position)") }
            index += Int(gap) + 1
            guard index < count else { throw .corrupt("packed column exception index \(index) ≥ \(count)") }
            out[index] = value
        }
    }

    /// The field width (0...64) that makes the column smallest, exceptions included.
    static func bestWidth(_ values: [UInt64]) -> Int {
        // Values by bit length, and what their exception entries would cost in bits.
        var countByLength = [Int](repeating: 0, count: 65)
        var exceptionBitsByLength = [Int](repeating: 0, count: 65)
        for v in values {
            let length = 64 - v.leadingZeroBitCount
            countByLength[length] += 1
            // uvarint gap (usually one byte) + uvarint value.
            exceptionBitsByLength[length] += 8 * (1 + max(1, (length + 6) / 7))
        }
        var best = 64
        var bestBits = Int.max
        var exceptionBits = 0  // cost of the values longer than `width`
        for width in stride(from: 64, through: 0, by: -1) {
            let bits = values.count * width + exceptionBits
            if bits < bestBits {
                best = width
                bestBits = bits
            }
            exceptionBits += exceptionBitsByLength[width]
        }
        return best
    }
}

/// Unsigned LEB128 varints read from a byte array with an explicit end (the chunk
/// headers' reader).
enum ByteVarint {
    /// Reads a uvarint at `bytes[position]`, moving past it; nil if it runs past `end`
    /// or is longer than ten bytes.
    @inlinable
    static func read(_ bytes: [UInt8], _ position: inout Int, _ end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end && shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
