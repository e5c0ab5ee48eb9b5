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
        try forEach(bytes, at: &position, end: end, count: count) { i, v in out[i] = v }
    }

    /// Decodes a column of `count` values starting at `bytes[position]` and hands each to
    /// `body` with its index, in order (exceptions in their place), so a caller's running
    /// sum runs in the unpacking loop. `position` moves past the column; throws if the
    /// column is malformed or runs past `end`, in which case `body` may have seen some
    /// values.
    @inlinable @inline(__always)
    public static func forEach(
        _ bytes: [UInt8], at position: inout Int, end: Int, count: Int, _ body: (Int, UInt64) -> Void
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
        position += packedBytes
        var exceptions = ExceptionList(start: position, end: end, remaining: Int(exceptionCount), count: count)
        // Runs of plain fields between exceptions go through the tight loop; each
        // exception replaces its field's 0.
        var start = 0
        while true {
            let failure: ChunkError? = bytes.withUnsafeBytes { raw in
                do throws(ChunkError) { try exceptions.advance(raw) } catch { return error }
                return nil
            }
            if let failure { throw failure }
            let stop = min(exceptions.index, count)
            if stop > start {
                let base = start
                reader.forEachField(width: width, count: stop - start) { i, v in body(base &+ i, v) }
            }
            if stop == count { break }
            _ = reader.readBits(width)
            body(stop, exceptions.value)
            start = stop + 1
        }
        position = exceptions.position
    }

    /// Values per block of `forEachBlock`.
    @usableFromInline static let blockSize = 64

    /// Decodes a column of `count` values starting at `raw[position]` and hands them to
    /// `body` a block of up to `blockSize` at a time, exceptions in place, with the
    /// block's length and the index of its first value: `body(values, length, first)`;
    /// `values` is nil for a block that is all zeros (width 0, no exception in it).
    /// `position` moves past the column; throws if the column is malformed or runs
    /// past `end`, in which case `body` may have seen some blocks.
    ///
    /// The fields are unpacked into a stack buffer by `BitCursor.unpack` (whole groups
    /// of 8 by a routine specialised for the width), the exceptions due in the block
    /// are written over their fields, and `body` runs over plain memory: its loop (a
    /// running sum) has no bit arithmetic and no exception checks.
    @inlinable
    static func forEachBlock(
        _ raw: UnsafeRawBufferPointer, at position: inout Int, end: Int, count: Int,
        _ body: (UnsafeMutablePointer<UInt64>?, Int, Int) -> Void
    ) throws(ChunkError) {
        let end = min(end, raw.count)
        guard position >= 0, position < end else { throw .corrupt("packed column header missing at byte \(position)") }
        let width = Int(raw[position])
        guard width <= 64 else { throw .corrupt("packed column width \(width) > 64 at byte \(position)") }
        position += 1
        guard let exceptionCount = ByteVarint.read(raw, &position, end), exceptionCount <= UInt64(count) else {
            throw .corrupt("packed column exception count missing or above \(count) at byte \(position)")
        }
        let packedBytes = (count * width + 7) / 8
        guard packedBytes <= end - position else {
            throw .corrupt("packed column of \(count) × \(width) bits runs past the chunk end")
        }
        // Loads may run past the column into the bytes after it (never past the buffer):
        // fields are cut out exactly, so those bits are never used.
        let cursor = BitCursor(raw, start: position, end: raw.count)
        let fieldsStart = position * 8
        var exceptions = ExceptionList(start: position + packedBytes, end: end, remaining: Int(exceptionCount), count: count)
        try exceptions.advance(raw)
        var failure: ChunkError?
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockSize) { scratch in
            let block = scratch.baseAddress.unsafelyUnwrapped
            var first = 0
            while first < count {
                let k = min(blockSize, count &- first)
                if width == 0 && exceptions.index >= first &+ k {
                    body(nil, k, first)  // all zero: a regular scrape's dods, a constant's deltas
                    first &+= k
                    continue
                }
                cursor.unpack(width: width, from: fieldsStart &+ first &* width, count: k, into: block)
                while exceptions.index < first &+ k {
                    block[exceptions.index &- first] = exceptions.value
                    do throws(ChunkError) { try exceptions.advance(raw) } catch {
                        failure = error
                        return
                    }
                }
                body(block, k, first)
                first &+= k
            }
        }
        if let failure { throw failure }
        position = exceptions.position
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

/// The exception list of a packed column, read one entry ahead of the fields (the
/// column's bytes are passed to each `advance`).
@usableFromInline
struct ExceptionList {
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    @usableFromInline var remaining: Int
    @usableFromInline let count: Int
    /// The next exception's field index (`Int.max` when none is left) and value.
    @usableFromInline var index = -1
    @usableFromInline var value: UInt64 = 0

    @inlinable
    init(start: Int, end: Int, remaining: Int, count: Int) {
        self.position = start
        self.end = end
        self.remaining = remaining
        self.count = count
    }

    /// Reads the next entry; throws if it is truncated or its index is past the column.
    @inlinable
    mutating func advance(_ raw: UnsafeRawBufferPointer) throws(ChunkError) {
        guard remaining > 0 else {
            index = Int.max
            return
        }
        guard let gap = ByteVarint.read(raw, &position, end), gap < UInt64(count),
              let v = ByteVarint.read(raw, &position, end)
        else { throw .corrupt("packed column exception list truncated at byte \(position)") }
        index += Int(gap) + 1
        guard index < count else { throw .corrupt("packed column exception index \(index) ≥ \(count)") }
        remaining -= 1
        value = v
    }
}

/// Unsigned LEB128 varints read from a byte array with an explicit end (the chunk
/// headers' reader).
@usableFromInline
enum ByteVarint {
    /// Reads a uvarint at `bytes[position]`, moving past it; nil if it runs past `end`
    /// or is longer than ten bytes.
    @usableFromInline
    static func read(_ bytes: [UInt8], _ position: inout Int, _ end: Int) -> UInt64? {
        bytes.withUnsafeBytes { read($0, &position, end) }
    }

    /// `read` over raw bytes; `end` is clamped to the buffer.
    @inlinable
    static func read(_ raw: UnsafeRawBufferPointer, _ position: inout Int, _ end: Int) -> UInt64? {
        let end = min(end, raw.count)
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position >= 0 && position < end && shift < 64 {
            let byte = raw[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
