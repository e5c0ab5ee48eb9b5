/// Gorilla XOR float column: each value's IEEE-754 bits are XOR-ed with the previous
/// value's, and only the meaningful (non-zero) window of the result is stored.
///
/// Layout (see docs/format/chunk.md): the first value as 64 raw bits; then per value
/// `0` (same bits as before), `10` + the XOR inside the previous window when its leading
/// and trailing zeros cover at least the previous ones (and the window wastes at most
/// 11 bits), or `11` + 5 bits of leading-zero
/// count + 6 bits of window width (0 means 64) + the window. Bits are compared, not
/// values, so NaN payloads, −0.0 and the staleness marker round-trip exactly.
public struct XORValueEncoder: Sendable {
    public private(set) var writer = BitWriter()
    public private(set) var count = 0
    private var lastBits: UInt64 = 0
    private var leading = 0xFF  // 0xFF: no window yet
    private var trailing = 0

    public init() {}

    /// Appends a value.
    public mutating func append(_ v: Double) {
        let bits = v.bitPattern
        if count == 0 {
            writer.writeBits(bits, count: 64)
        } else {
            let x = bits ^ lastBits
            if x == 0 {
                writer.writeBits(0, count: 1)
            } else {
                let lz = min(x.leadingZeroBitCount, 31)
                let tz = x.trailingZeroBitCount
                // Reuse the previous window when the XOR fits in it, unless the window
                // wastes more bits than a new one's 11-bit header costs: a window kept
                // from one wide XOR would otherwise widen every later value of the
                // chunk (the decoder reads either form).
                if leading != 0xFF && lz >= leading && tz >= trailing && (lz - leading) + (tz - trailing) <= 11 {
                    writer.writeBits(0b10, count: 2)
                    writer.writeBits(x >> UInt64(trailing), count: 64 - leading - trailing)
                } else {
                    leading = lz
                    trailing = tz
                    let width = 64 - lz - tz
                    writer.writeBits(0b11, count: 2)
                    writer.writeBits(UInt64(lz), count: 5)
                    writer.writeBits(UInt64(width & 63), count: 6)  // 64 is stored as 0
                    writer.writeBits(x >> UInt64(tz), count: width)
                }
            }
        }
        lastBits = bits
        count += 1
    }
}

/// Decodes a value column written by `XORValueEncoder`.
public struct XORValueDecoder: Sendable {
    @usableFromInline var reader: BitReader
    @usableFromInline var remaining: Int
    @usableFromInline var started = false
    @usableFromInline var bits: UInt64 = 0
    /// The current window: leading zeros, trailing zeros and width (64 − both).
    /// No window yet: width 0, so a `10` control before the first `11` is corrupt.
    @usableFromInline var leading = 64
    @usableFromInline var trailing = 0
    @usableFromInline var width = 0

    /// Decodes `count` values from `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, count: Int) {
        reader = BitReader(bytes, start: start, end: end)
        remaining = count
    }

    /// The current value after a successful `next()`.
    @inlinable public var value: Double { Double(bitPattern: bits) }
    /// The current value's raw IEEE-754 bits.
    @inlinable public var valueBits: UInt64 { bits }
    /// True if reading ran past the column's end (a malformed window makes `next()`
    /// return false without setting this).
    public var overrun: Bool { reader.overrun }

    /// Advances to the next value; false at the end or on corrupt input.
    ///
    /// Each value is decoded from one `peek` of the bit stream when its code fits in
    /// 57 bits (`10` + up to 55 window bits, or `11` + 11 header bits + up to 44);
    /// wider windows take a second read.
    @inlinable @inline(__always)
    public mutating func next() -> Bool {
        guard remaining > 0 else { return false }
        remaining &-= 1
        return decodeNext()
    }

    /// Decodes one more sample without checking `remaining`; `ChunkIterator`, which
    /// counts samples itself, calls this directly.
    @inlinable @inline(__always)
    mutating func decodeNext() -> Bool {
        if _slowPath(!started) { return nextFirst() }
        let window = reader.peek()
        if window &>> 63 == 0 {
            reader.skip(1)  // `0`: same bits as before
        } else if window & (1 << 62) == 0 {
            // `10`: the XOR fits inside the current window.
            guard width > 0 else { return fail() }  // no window yet: corrupt
            let x: UInt64
            if width <= 55 {
                x = (window &<< 2) &>> UInt64(truncatingIfNeeded: 64 &- width)
                reader.skip(2 &+ width)
            } else {
                reader.skip(2)
                x = reader.takeWide(width)
            }
            bits ^= x &<< UInt64(truncatingIfNeeded: trailing)
        } else {
            // `11` + 5 bits leading zeros + 6 bits width (0 means 64) + the XOR.
            let lead = Int(truncatingIfNeeded: (window &>> 57) & 31)
            var wide = Int(truncatingIfNeeded: (window &>> 51) & 63)
            if wide == 0 { wide = 64 }
            reader.skip(13)  // before the check, so a header cut by the end sets `overrun`
            guard lead &+ wide <= 64 else { return fail() }
            leading = lead
            width = wide
            trailing = 64 &- lead &- wide
            let x: UInt64
            if wide <= 44 {
                x = (window &<< 13) &>> UInt64(truncatingIfNeeded: 64 &- wide)
                reader.skip(wide)
            } else {
                x = reader.takeWide(wide)
            }
            bits ^= x &<< UInt64(truncatingIfNeeded: trailing)
        }
        if _slowPath(reader.overrun) { return fail() }
        return true
    }

    /// Decodes up to `count` further values into `out` and returns how many it wrote:
    /// `min(count, remaining)` unless the column ended early or held an invalid code, in
    /// which case decoding stops there for good (as `next()` does). May be mixed with
    /// `next()`.
    @inlinable
    public mutating func decode(into out: UnsafeMutablePointer<Double>, count: Int) -> Int {
        let n = min(count, remaining)
        guard n > 0 else { return 0 }
        let k = decodeBulk(into: out, count: n)
        if k == n { remaining &-= n }
        return k
    }

    /// Decodes the next `n` values into `out` without checking `remaining` (the caller
    /// has); returns how many it wrote, fewer than `n` on a damaged column (`remaining`
    /// is then 0).
    @inlinable
    mutating func decodeBulk(into out: UnsafeMutablePointer<Double>, count n: Int) -> Int {
        var i = 0
        if _slowPath(!started) {
            guard nextFirst() else { return 0 }
            out[0] = Double(bitPattern: bits)
            i = 1
        }
        guard i < n else { return i }
        let start = Window(bits: bits, trailing: trailing, width: width)
        let (window, end, ok) = reader.withCursor { cursor in
            let (c, s, j, ok) = Self.decodeRun(cursor, start, out, i, n)
            return (c, (s, j, ok))
        }
        i = end
        bits = window.bits
        trailing = window.trailing
        width = window.width
        leading = 64 &- window.trailing &- window.width
        if !ok { _ = fail() }
        return i
    }

    /// Decodes a whole value column of `n` samples from a cursor at its start into
    /// `out`; returns how many it wrote (fewer than `n` on a damaged column).
    /// `ChunkIterator`'s whole-chunk path: no decoder state at all.
    @inlinable
    static func decodeColumn(_ cursor: BitCursor, into out: UnsafeMutablePointer<Double>, count n: Int) -> Int {
        guard n > 0 else { return 0 }
        var c = cursor
        let first = c.takeWide(64)
        guard !c.overrun else { return 0 }
        out[0] = Double(bitPattern: first)
        guard n > 1 else { return 1 }
        return decodeRun(c, Window(bits: first, trailing: 0, width: 0), out, 1, n).2
    }

    /// Decodes `out[i..<n]` from `cursor`, given the state after `out[i - 1]`: the direct
    /// loop, then the checked one for the column's last bytes. Returns the cursor, the
    /// state, the index reached and whether the column was sound.
    ///
    /// The loops keep the position, the current bits and window in registers. Codes
    /// that start below the cursor's `directLimit` are read with unchecked loads and no
    /// overrun check. A run of `0` codes (repeated values) is counted from one peek.
    @inlinable @inline(__always)
    static func decodeRun(
        _ cursor: BitCursor, _ window: Window, _ out: UnsafeMutablePointer<Double>, _ i: Int, _ n: Int
    ) -> (BitCursor, Window, Int, Bool) {
        var r = runLoop(cursor, window, out, i, n, checked: false)
        if r.3 && r.2 < n { r = runLoop(r.0, r.1, out, r.2, n, checked: true) }
        return r
    }

    /// The decoding state `decodeLoop` keeps in registers: the current bits and the
    /// window as two shift counts (`x >> drop` takes the window's `64 − drop` bits from
    /// the top of a word, `<< shift` puts them in place; no window yet: drop 64).
    @usableFromInline
    struct Window {
        @usableFromInline var bits: UInt64
        @usableFromInline var drop: Int
        @usableFromInline var shift: Int

        @inlinable @inline(__always)
        init(bits: UInt64, trailing: Int, width: Int) {
            self.bits = bits
            drop = 64 &- width
            shift = trailing
        }

        @inlinable var width: Int { 64 &- drop }
        @inlinable var trailing: Int { shift }
    }

    /// `decodeLoop` for codes that start below the cursor's `directLimit(maxCode: 77)`
    /// (the longest code is `11` + 11 header bits + 64 bits), or (`checked`) for the
    /// column's last bytes. A function of its own that takes and returns its state by
    /// value, so that the registers go to this loop alone.
    @inlinable @inline(never)
    static func runLoop(
        _ cursor: BitCursor, _ window: Window, _ out: UnsafeMutablePointer<Double>,
        _ index: Int, _ n: Int, checked: Bool
    ) -> (BitCursor, Window, Int, Bool) {
        var c = cursor
        var s = window
        var i = index
        let ok = checked
            ? decodeLoop(&c, &s, out, &i, n, limit: .max, checked: true)
            : decodeLoop(&c, &s, out, &i, n, limit: cursor.directLimit(maxCode: 77), checked: false)
        return (c, s, i, ok)
    }

    /// The loop of `decodeBulk`: decodes into `out[i..<n]` while the position is at most
    /// `limit`, advancing `i`; false on a damaged column. `checked: false` requires
    /// `limit` to be at most the cursor's `directLimit(maxCode: 77)`.
    @inlinable @inline(__always)
    static func decodeLoop(
        _ c: inout BitCursor, _ s: inout Window, _ out: UnsafeMutablePointer<Double>,
        _ i: inout Int, _ n: Int, limit: Int, checked: Bool
    ) -> Bool {
        while i < n && c.position <= limit {
            let w = checked ? c.peek() : c.peekInBounds()
            if _slowPath(w < 1 &<< 63) {
                // `0` codes: the same bits again. Count them from this peek (`| 0x7F`: at
                // most the 57 bits it holds for certain), stopping at the column's end,
                // where a zero code would read past the stream (damaged).
                var run = (w | 0x7F).leadingZeroBitCount
                if checked {
                    run = min(run, c.bitsLeft)
                    guard run > 0 else { return false }
                }
                if n &- i >= 8 {
                    // Eight copies, of which the first `run` (at most 8 per step) count; the
                    // rest are overwritten by the next samples. The compiler makes these
                    // stores vector stores of a broadcast; a fill loop, a SIMD8 store or
                    // a moving output pointer instead each made it hoist that broadcast
                    // (or spill) into the path of every other code (callgrind).
                    run = min(run, 8)
                    let v = Double(bitPattern: s.bits)
                    for k in 0..<8 { out[i &+ k] = v }
                } else {
                    run = 1
                    out[i] = Double(bitPattern: s.bits)
                }
                c.skip(run)
                i &+= run
                continue
            }
            let x: UInt64
            if w & (1 &<< 62) == 0 {
                // `10`: the XOR fits inside the current window.
                if UInt(bitPattern: s.drop &- 9) < 55 {  // 1...55 bits: in this peek
                    x = (w &<< 2) &>> UInt64(truncatingIfNeeded: s.drop)
                    c.skip(66 &- s.drop)
                } else {
                    guard s.drop < 64 else { return false }  // no window yet: corrupt
                    c.skip(2)
                    x = c.takeWide(64 &- s.drop, inBounds: !checked)
                }
            } else {
                // `11` + 5 bits leading zeros + 6 bits width (0 means 64) + the XOR.
                let lead = Int(truncatingIfNeeded: (w &>> 57) & 31)
                var wide = Int(truncatingIfNeeded: (w &>> 51) & 63)
                if wide == 0 { wide = 64 }
                c.skip(13)  // before the check, so a header cut by the end overruns
                guard lead &+ wide <= 64 else { return false }
                s.drop = 64 &- wide
                s.shift = 64 &- lead &- wide
                if wide <= 44 {
                    x = (w &<< 13) &>> UInt64(truncatingIfNeeded: s.drop)
                    c.skip(wide)
                } else {
                    x = c.takeWide(wide, inBounds: !checked)
                }
            }
            s.bits ^= x &<< UInt64(truncatingIfNeeded: s.shift)
            if checked && c.overrun { return false }
            out[i] = Double(bitPattern: s.bits)
            i &+= 1
        }
        return true
    }

    /// The first value: 64 raw bits.
    @usableFromInline mutating func nextFirst() -> Bool {
        started = true
        bits = reader.readBits(64)
        if reader.overrun { return fail() }
        return true
    }

    @usableFromInline mutating func fail() -> Bool {
        remaining = 0
        return false
    }
}
