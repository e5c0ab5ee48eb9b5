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

    /// Decodes the `count` samples of the chunk whose columns start at `header.columns`,
    /// less those before `from` (see the other `decode`); returns how many were left out.
    @usableFromInline
    @discardableResult
    static func decode(
        _ bytes: [UInt8], _ header: Header, count n: Int,
        timestamps ts: UnsafeMutablePointer<Int64>, values vs: UnsafeMutablePointer<Double>, from: Int64 = .min
    ) throws(ChunkError) -> Int {
        guard n > 0 else { return 0 }
        var skipped = 0
        let failure: ChunkError? = bytes.withUnsafeBytes { raw in
            do throws(ChunkError) {
                skipped = try decode(raw, header, count: n, timestamps: ts, values: vs, from: from)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return skipped
    }

    /// `decode` over the bytes of the whole array. Each packed column is unpacked a
    /// block at a time (`PackedIntegers.forEachBlock`); the running sums (dod → delta →
    /// timestamp, Δm → m → value) then run over plain memory.
    ///
    /// Samples before `from` are left out: the timestamp column comes first, so the
    /// number `k` of them is known before the values are read; the first `k` value deltas
    /// are then only added up (a loop without stores or conversions, which vectorizes),
    /// and samples `k…` are written from index 0. A query of the last minutes of a long
    /// block chunk reads the chunk's tail at a fraction of the cost. Returns `k`.
    @inlinable
    static func decode(
        _ raw: UnsafeRawBufferPointer, _ header: Header, count n: Int,
        timestamps ts: UnsafeMutablePointer<Int64>, values vs: UnsafeMutablePointer<Double>, from: Int64 = .min
    ) throws(ChunkError) -> Int {
        guard n > 0 else { return 0 }
        var pos = header.columns
        let end = min(header.end, raw.count)
        guard let t0 = ByteVarint.read(raw, &pos, end) else { throw .corrupt("first timestamp truncated") }
        var t = Varint.unzigzag(t0)
        ts[0] = t
        if n >= 2 {
            guard let d1 = ByteVarint.read(raw, &pos, end) else { throw .corrupt("first delta truncated") }
            var delta = d1
            t &+= Int64(bitPattern: delta)
            ts[1] = t
            if n >= 3 {
                let out = ts + 2
                // (The sums are copied into locals per block: captured by the closure,
                // they would be loaded and stored through memory on every sample.)
                try IntegerColumn.forEachBlock(raw, at: &pos, end: end, count: n - 2, allowRice: header.rice) { block, k, first in
                    let o = out + first
                    var d = delta
                    var time = t
                    if let block {
                        for j in 0..<k {
                            d &+= UInt64(bitPattern: Varint.unzigzag(block[j]))
                            time &+= Int64(bitPattern: d)
                            o[j] = time
                        }
                    } else {
                        // Every dod 0: exact intervals.
                        let step = Int64(bitPattern: d)
                        for j in 0..<k {
                            time &+= step
                            o[j] = time
                        }
                    }
                    delta = d
                    t = time
                }
            }
        }
        // The samples before `from`: the first timestamp not before it (timestamps do not
        // decrease), found by bisection.
        var skip = 0
        if from > ts[0] {
            var hi = n
            while skip < hi {
                let mid = skip &+ (hi &- skip) / 2
                if ts[mid] < from { skip = mid &+ 1 } else { hi = mid }
            }
            if skip > 0 && skip < n { UnsafeMutableRawPointer(ts).copyMemory(from: ts + skip, byteCount: (n &- skip) &* 8) }  // memmove
        }
        guard pos < end else { throw .corrupt("value scale missing") }
        let k = Int(raw[pos])
        pos += 1
        guard k <= DecimalScale.maxDecodableScale else { throw .corrupt("decimal scale \(k) > \(DecimalScale.maxDecodableScale)") }
        guard let m0 = ByteVarint.read(raw, &pos, end) else { throw .corrupt("first mantissa truncated") }
        var m = Varint.unzigzag(m0)
        if skip == 0 { vs[0] = DecimalScale.value(m, scale: k) }
        if n >= 2 {
            // Value i (column entry i − 1) goes to vs[i − skip]; `wanted` is the column
            // entry of the first value written.
            let wanted = max(0, skip &- 1)
            // Of a k = 0 Rice column, most entries before `wanted` are added up a byte at
            // a time without being decoded; the blocks start after them.
            let presum = header.rice ? RiceColumn.leadingSumK0(raw, at: pos, end: end, limit: wanted) : (codes: 0, bits: 0, sum: Int64(0))
            m &+= presum.sum
            // Two loops so the common integer case has no division. (One local function
            // taking the conversion as a closure cost 46 → 60 instructions per sample in
            // callgrind: its captures went through memory.)
            if k == 0 {
                try IntegerColumn.forEachBlock(raw, at: &pos, end: end, count: n - 1, allowRice: header.rice,
                                               skipping: (presum.codes, presum.bits)) { block, count, first in
                    var mantissa = m
                    let summed = min(count, max(0, wanted &- first))  // entries of this block only added up
                    if let block {
                        var sum: Int64 = 0
                        for j in 0..<summed { sum &+= Varint.unzigzag(block[j]) }
                        mantissa &+= sum
                        if summed < count {
                            let o = vs + (first &+ 1 &+ summed &- skip)
                            for j in 0..<(count &- summed) {
                                mantissa &+= Varint.unzigzag(block[summed &+ j])
                                o[j] = Double(mantissa)
                            }
                        }
                    } else if summed < count {
                        (vs + (first &+ 1 &+ summed &- skip)).update(repeating: Double(mantissa), count: count &- summed)  // constant
                    }
                    m = mantissa
                }
            } else {
                let p = DecimalScale.powers[k]
                try IntegerColumn.forEachBlock(raw, at: &pos, end: end, count: n - 1, allowRice: header.rice,
                                               skipping: (presum.codes, presum.bits)) { block, count, first in
                    var mantissa = m
                    let summed = min(count, max(0, wanted &- first))
                    if let block {
                        var sum: Int64 = 0
                        for j in 0..<summed { sum &+= Varint.unzigzag(block[j]) }
                        mantissa &+= sum
                        if summed < count {
                            let o = vs + (first &+ 1 &+ summed &- skip)
                            for j in 0..<(count &- summed) {
                                mantissa &+= Varint.unzigzag(block[summed &+ j])
                                o[j] = Double(mantissa) / p
                            }
                        }
                    } else if summed < count {
                        (vs + (first &+ 1 &+ summed &- skip)).update(repeating: Double(mantissa) / p, count: count &- summed)  // constant
                    }
                    m = mantissa
                }
            }
        }
        guard pos == end else { throw .corrupt("\(end - pos) bytes after the value column") }
        return skip
    }
}
