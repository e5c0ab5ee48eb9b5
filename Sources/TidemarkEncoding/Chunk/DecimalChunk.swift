/// The `decimalPacked` chunk codec (encoding byte 0x02): timestamps as bit-packed
/// delta-of-deltas, values as bit-packed deltas of decimal mantissas. Encoding byte 0x04
/// (`decimalRice`) is the same layout with either column possibly Rice-coded
/// (`IntegerColumn`), used when that is smaller.
///
/// ```
/// ┌──────┬─────────┬──────────────┬──────────┬─────────────────────┬───────┬────────────────┬─────────────────────┐
/// │ 0x02 │ count n │ t₀           │ Δ₁       │ packed column:      │ scale │ m₀             │ packed column:      │
/// │      │ uvarint │ zigzag       │ uvarint  │ zigzag(dodᵢ),       │ u8 k  │ zigzag uvarint │ zigzag(mᵢ − mᵢ₋₁),  │
/// │      │         │ uvarint      │ (n ≥ 2)  │ i = 2…n−1 (n ≥ 3)   │       │                │ i = 1…n−1 (n ≥ 2)   │
/// └──────┴─────────┴──────────────┴──────────┴─────────────────────┴───────┴────────────────┴─────────────────────┘
///  valueᵢ = Double(mᵢ) / 10^k   (k = 0: Double(mᵢ))
/// ```
///
/// Chosen per chunk when it is smaller than the XOR form (`ChunkBuilder.encodeSmallest`);
/// written by block writers, never by the head's open chunks. Every field of a packed
/// column sits at a position known in advance, so decoding is a few branch-free
/// operations per sample instead of Gorilla's bit-by-bit walk.
public enum DecimalChunk {
    /// Encodes the samples, or returns nil if some value is not an exact decimal (see
    /// `DecimalScale`). Timestamps must not decrease.
    public static func encode(timestamps: [Int64], values: [Double]) -> [UInt8]? {
        precondition(timestamps.count == values.count, "column lengths differ")
        let n = timestamps.count
        guard let decimal = DecimalScale.mantissas(values) else { return nil }
        var out: [UInt8] = [ChunkEncoding.decimalPacked.rawValue]
        Varint.append(UInt64(n), to: &out)
        guard n > 0 else { return out }
        Varint.appendSigned(timestamps[0], to: &out)
        if n >= 2 { Varint.append(UInt64(bitPattern: timestamps[1] &- timestamps[0]), to: &out) }
        if n >= 3 {
            var dods: [UInt64] = []
            dods.reserveCapacity(n - 2)
            for i in 2..<n {
                let delta = timestamps[i] &- timestamps[i - 1]
                let previous = timestamps[i - 1] &- timestamps[i - 2]
                dods.append(Varint.zigzag(delta &- previous))
            }
            if IntegerColumn.append(dods, to: &out, allowRice: true) { out[0] = ChunkEncoding.decimalRice.rawValue }
        }
        out.append(UInt8(decimal.scale))
        let ms = decimal.mantissas
        Varint.appendSigned(ms[0], to: &out)
        if n >= 2 {
            let deltas = (1..<n).map { Varint.zigzag(ms[$0] &- ms[$0 - 1]) }
            if IntegerColumn.append(deltas, to: &out, allowRice: true) { out[0] = ChunkEncoding.decimalRice.rawValue }
        }
        return out
    }

    /// Where the columns of a chunk start, from its header (parsed by `ChunkIterator`).
    @usableFromInline
    struct Header: Sendable {
        /// Index of the first byte after the count.
        @usableFromInline let columns: Int
        @usableFromInline let end: Int
        /// A `decimalRice` chunk: its columns may be Rice-coded.
        @usableFromInline let rice: Bool

        @usableFromInline init(columns: Int, end: Int, rice: Bool) {
            self.columns = columns
            self.end = end
            self.rice = rice
        }
    }

    /// Decodes all `count` samples of the chunk whose columns start at `header.columns`.
    @usableFromInline
    static func decode(
        _ bytes: [UInt8], _ header: Header, count n: Int,
        timestamps ts: UnsafeMutablePointer<Int64>, values vs: UnsafeMutablePointer<Double>
    ) throws(ChunkError) {
        guard n > 0 else { return }
        var pos = header.columns
        let end = header.end
        guard let t0 = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("first timestamp truncated") }
        var t = Varint.unzigzag(t0)
        ts[0] = t
        if n >= 2 {
            guard let d1 = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("first delta truncated") }
            var delta = d1
            t &+= Int64(bitPattern: delta)
            ts[1] = t
            if n >= 3 {
                // The running sums (dod → delta → timestamp) run inside the unpacking loop.
                let out = ts + 2
                try IntegerColumn.forEach(bytes, at: &pos, end: end, count: n - 2, allowRice: header.rice) { i, z in
                    delta &+= UInt64(bitPattern: Varint.unzigzag(z))
                    t &+= Int64(bitPattern: delta)
                    out[i] = t
                }
            }
        }
        guard pos < end else { throw .corrupt("value scale missing") }
        let k = Int(bytes[pos])
        pos += 1
        guard k <= DecimalScale.maxDecodableScale else { throw .corrupt("decimal scale \(k) > \(DecimalScale.maxDecodableScale)") }
        guard let m0 = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("first mantissa truncated") }
        var m = Varint.unzigzag(m0)
        vs[0] = DecimalScale.value(m, scale: k)
        if n >= 2 {
            let out = vs + 1
            // Two loops so the common integer case has no division.
            if k == 0 {
                try IntegerColumn.forEach(bytes, at: &pos, end: end, count: n - 1, allowRice: header.rice) { i, z in
                    m &+= Varint.unzigzag(z)
                    out[i] = Double(m)
                }
            } else {
                let p = DecimalScale.powers[k]
                try IntegerColumn.forEach(bytes, at: &pos, end: end, count: n - 1, allowRice: header.rice) { i, z in
                    m &+= Varint.unzigzag(z)
                    out[i] = Double(m) / p
                }
            }
        }
        guard pos == end else { throw .corrupt("\(end - pos) bytes after the value column") }
    }
}
