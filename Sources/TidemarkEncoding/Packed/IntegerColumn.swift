/// A column of unsigned integers in whichever of the two column codes is smaller: fixed
/// width with exceptions (`PackedIntegers`) or Rice (`RiceColumn`). The first byte says
/// which: a width (≤ 64) or `0x80 | k`.
public enum IntegerColumn {
    /// Appends `values` to `out` in the smaller code, the fixed-width one on a tie;
    /// returns true if it chose Rice (only when `allowRice`).
    @discardableResult
    public static func append(_ values: [UInt64], to out: inout [UInt8], allowRice: Bool) -> Bool {
        guard allowRice, !values.isEmpty else {
            PackedIntegers.append(values, to: &out)
            return false
        }
        var fixed: [UInt8] = []
        PackedIntegers.append(values, to: &fixed)
        let (k, bits) = RiceColumn.bestParameter(values)
        // Rice's header is one byte plus its length varint; compare whole columns.
        let riceBytes = 1 + Varint.size(UInt64((bits + 7) / 8)) + (bits + 7) / 8
        guard riceBytes < fixed.count else {
            out.append(contentsOf: fixed)
            return false
        }
        RiceColumn.append(values, k: k, to: &out)
        return true
    }

    /// Decodes a column of either code (Rice only when `allowRice`), handing each value
    /// to `body` with its index; see `PackedIntegers.forEach` and `RiceColumn.forEach`.
    @inlinable @inline(__always)
    public static func forEach(
        _ bytes: [UInt8], at position: inout Int, end: Int, count: Int, allowRice: Bool,
        _ body: (Int, UInt64) -> Void
    ) throws(ChunkError) {
        if allowRice && position < end && bytes[position] & RiceColumn.marker != 0 {
            try RiceColumn.forEach(bytes, at: &position, end: end, count: count, body)
        } else {
            try PackedIntegers.forEach(bytes, at: &position, end: end, count: count, body)
        }
    }

    /// Decodes a column of either code (Rice only when `allowRice`) a block at a time;
    /// see `PackedIntegers.forEachBlock` and `RiceColumn.forEachBlock` (`skipped`: codes
    /// of a k = 0 Rice column already added up by `RiceColumn.leadingSumK0`).
    @inlinable @inline(__always)
    static func forEachBlock(
        _ raw: UnsafeRawBufferPointer, at position: inout Int, end: Int, count: Int, allowRice: Bool,
        skipping skipped: (codes: Int, bits: Int) = (0, 0),
        _ body: (UnsafeMutablePointer<UInt64>?, Int, Int) -> Void
    ) throws(ChunkError) {
        if allowRice && position >= 0 && position < min(end, raw.count) && raw[position] & RiceColumn.marker != 0 {
            try RiceColumn.forEachBlock(raw, at: &position, end: end, count: count, skipping: skipped, body)
        } else {
            try PackedIntegers.forEachBlock(raw, at: &position, end: end, count: count, body)
        }
    }
}
