/// Delta-of-delta timestamp column, Gorilla style, with buckets sized for millisecond
/// timestamps scraped at a fixed interval with a little jitter.
///
/// Layout (see docs/format/chunk.md): the first timestamp as a zig-zag varint, the
/// first delta as a varint, then for each later sample the delta-of-delta `dod`:
///
/// | prefix  | payload           | range of dod           |
/// |---------|-------------------|------------------------|
/// | `0`     | —                 | 0                      |
/// | `10`    | 8-bit two's compl | −127 … 128             |
/// | `110`   | 14 bits           | −8191 … 8192           |
/// | `1110`  | 20 bits           | −524287 … 524288       |
/// | `11110` | 32 bits           | −2³¹+1 … 2³¹           |
/// | `11111` | 64 bits           | anything               |
///
/// Deltas and dods are computed with wrapping arithmetic, so every pair of ordered
/// timestamps in the whole Int64 range round-trips.
public struct TimestampEncoder: Sendable {
    public private(set) var writer = BitWriter()
    public private(set) var count = 0
    public private(set) var last: Int64 = 0
    private var lastDelta: UInt64 = 0

    public init() {}

    /// Appends `t`; the caller guarantees `t >= last` (see `ChunkBuilder`).
    public mutating func append(_ t: Int64) {
        switch count {
        case 0:
            Varint.write(Varint.zigzag(t), to: &writer)
        case 1:
            lastDelta = UInt64(bitPattern: t &- last)
            Varint.write(lastDelta, to: &writer)
        default:
            let delta = UInt64(bitPattern: t &- last)
            let dod = Int64(bitPattern: delta &- lastDelta)
            Self.writeDoD(dod, to: &writer)
            lastDelta = delta
        }
        last = t
        count += 1
    }

    @inline(__always)
    static func writeDoD(_ dod: Int64, to w: inout BitWriter) {
        let u = UInt64(bitPattern: dod)
        if dod == 0 {
            w.writeBits(0, count: 1)
        } else if dod >= -127 && dod <= 128 {
            w.writeBits(0b10, count: 2); w.writeBits(u, count: 8)
        } else if dod >= -8191 && dod <= 8192 {
            w.writeBits(0b110, count: 3); w.writeBits(u, count: 14)
        } else if dod >= -524_287 && dod <= 524_288 {
            w.writeBits(0b1110, count: 4); w.writeBits(u, count: 20)
        } else if dod >= -2_147_483_647 && dod <= 2_147_483_648 {
            w.writeBits(0b11110, count: 5); w.writeBits(u, count: 32)
        } else {
            w.writeBits(0b11111, count: 5); w.writeBits(u, count: 64)
        }
    }
}

/// Decodes a timestamp column written by `TimestampEncoder`.
public struct TimestampDecoder: Sendable {
    @usableFromInline var reader: BitReader
    @usableFromInline var remaining: Int
    /// Samples decoded so far, counted up to 2 (the varint header fields).
    @usableFromInline var index = 0
    @usableFromInline var delta: UInt64 = 0
    /// The current timestamp after a successful `next()`.
    public var value: Int64 { _value }
    @usableFromInline var _value: Int64 = 0

    /// Decodes `count` timestamps from `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, count: Int) {
        reader = BitReader(bytes, start: start, end: end)
        remaining = count
    }

    /// True if reading ran past the column's end (corrupt input).
    public var overrun: Bool { reader.overrun }

    /// Advances to the next timestamp; false at the end or on corrupt input.
    ///
    /// After the two varint header fields, each sample is decoded from a single
    /// `peek` of the bit stream: the unary prefix and the bucket's payload (at most
    /// 5 + 32 bits) sit in the same 64-bit window; only the 64-bit bucket reads again.
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
        if _slowPath(index < 2) { return nextHeaderField() }
        let window = reader.peek()
        let ones = (~window).leadingZeroBitCount
        if ones == 0 {
            reader.skip(1)  // `0`: dod 0, the delta repeats
        } else if ones < 5 {
            // `10`, `110`, `1110`, `11110` + 8, 14, 20 or 32 payload bits.
            let payloadBits = ones == 4 ? 32 : 2 &+ 6 &* ones
            let prefixBits = ones &+ 1
            let payload = (window &<< UInt64(truncatingIfNeeded: prefixBits))
                &>> UInt64(truncatingIfNeeded: 64 &- payloadBits)
            reader.skip(prefixBits &+ payloadBits)
            delta &+= UInt64(bitPattern: Self.signExtend(payload, bits: payloadBits))
        } else {
            reader.skip(5)  // `11111` + the whole dod in 64 bits
            delta &+= reader.takeWide(64)
        }
        _value &+= Int64(bitPattern: delta)
        if _slowPath(reader.overrun) { return fail() }
        return true
    }

    /// Decodes up to `count` further timestamps into `out` and returns how many it wrote:
    /// `min(count, remaining)` unless the column ended early or held an invalid code, in
    /// which case decoding stops there for good (as `next()` does). May be mixed with
    /// `next()`.
    @inlinable
    public mutating func decode(into out: UnsafeMutablePointer<Int64>, count: Int) -> Int {
        let n = min(count, remaining)
        guard n > 0 else { return 0 }
        let k = decodeBulk(into: out, count: n)
        if k == n { remaining &-= n }
        return k
    }

    /// Decodes the next `n` timestamps into `out` without checking `remaining` (the
    /// caller has); returns how many it wrote, fewer than `n` on a damaged column
    /// (`remaining` is then 0).
    @inlinable
    mutating func decodeBulk(into out: UnsafeMutablePointer<Int64>, count n: Int) -> Int {
        var i = 0
        while i < n && _slowPath(index < 2) {
            guard nextHeaderField() else { return i }
            out[i] = _value
            i &+= 1
        }
        guard i < n else { return i }
        let (t0, d0, i0) = (_value, delta, i)
        let (t, d, end, ok) = reader.withCursor { cursor in
            let (c, t, d, j, ok) = Self.decodeRun(cursor, t0, d0, out, i0, n)
            return (c, (t, d, j, ok))
        }
        i = end
        _value = t
        delta = d
        if !ok { _ = fail() }
        return i
    }

    /// Decodes a whole timestamp column of `n` samples, header fields included, from a
    /// cursor at its start into `out`; returns how many it wrote (fewer than `n` on a
    /// damaged column). `ChunkIterator`'s whole-chunk path: no decoder state at all.
    @inlinable
    static func decodeColumn(_ cursor: BitCursor, into out: UnsafeMutablePointer<Int64>, count n: Int) -> Int {
        guard n > 0 else { return 0 }
        var c = cursor
        guard let first = Varint.read(from: &c), !c.overrun else { return 0 }
        var t = Varint.unzigzag(first)
        out[0] = t
        guard n > 1 else { return 1 }
        guard let d = Varint.read(from: &c), !c.overrun else { return 1 }
        t &+= Int64(bitPattern: d)
        out[1] = t
        guard n > 2 else { return 2 }
        return decodeRun(c, t, d, out, 2, n).3
    }

    /// Decodes `out[i..<n]` after the header fields from `cursor`, given the last
    /// timestamp and delta: the direct loop, then the checked one for the column's last
    /// bytes. Returns the cursor, the last timestamp and delta, the index reached and
    /// whether the column was sound.
    ///
    /// The loops keep the position, the running delta and the timestamp in registers.
    /// Codes that start below the cursor's `directLimit` are cut from a register word
    /// (`wordLoop`) with no overrun check; the checked loop reads one load per code. A
    /// run of `0` codes — a regular scrape — is counted from one word (its leading zero
    /// bits), so a chunk of exact intervals costs a load per 56 to 63 samples and an add
    /// and a store per sample.
    @inlinable @inline(__always)
    static func decodeRun(
        _ cursor: BitCursor, _ t: Int64, _ d: UInt64, _ out: UnsafeMutablePointer<Int64>, _ i: Int, _ n: Int
    ) -> (BitCursor, Int64, UInt64, Int, Bool) {
        var r = runLoop(cursor, t, d, out, i, n, checked: false)
        if r.4 && r.3 < n { r = runLoop(r.0, r.1, r.2, out, r.3, n, checked: true) }
        return r
    }

    /// `wordLoop` for codes that start below the cursor's `directLimit(maxCode: 69)`
    /// (the longest code is `11111` + 64 bits), or (`checked`) `decodeLoop` for the
    /// column's last bytes. A function of its own that takes and returns its state by value, so that
    /// the registers go to this loop alone.
    @inlinable @inline(never)
    static func runLoop(
        _ cursor: BitCursor, _ time: Int64, _ delta: UInt64, _ out: UnsafeMutablePointer<Int64>,
        _ index: Int, _ n: Int, checked: Bool
    ) -> (BitCursor, Int64, UInt64, Int, Bool) {
        var c = cursor
        var t = time
        var d = delta
        var i = index
        let ok = checked
            ? decodeLoop(&c, &t, &d, out, &i, n, limit: .max, checked: true)
            : wordLoop(&c, &t, &d, out, &i, n, limit: cursor.directLimit(maxCode: 69))
        return (c, t, d, i, ok)
    }

    /// The unchecked loop of `runLoop`: decodes into `out[i..<n]` from the cursor's
    /// position (if at most `limit`, which is at most the cursor's
    /// `directLimit(maxCode: 69)`), leaving `c` after the last code decoded; the checked
    /// `decodeLoop` takes over from there. Never fails: every bit it reads lies inside
    /// the stream.
    ///
    /// `word` holds the stream from the position on, left-aligned; its first `count`
    /// bits are counted, and `byte` is the stream byte just after them, so the
    /// position is `byte × 8 − count`. Codes are cut from the word by shifting: its top
    /// bits pick the class (compares against constants), and each class takes its
    /// payload and shifts the word by constant amounts (`cut`). So the loop-carried
    /// chain per code is a few compares and a shift, with no memory load; the word is
    /// topped up from memory only when fewer than 37 bits (the longest common code,
    /// `11110` + 32) are counted, about every other code of jittered scrapes.
    /// `11111` + 64 bits is read from the cursor as before. A run of `0` codes is
    /// counted from the word's leading zeros.
    @inlinable @inline(__always)
    static func wordLoop(
        _ c: inout BitCursor, _ t: inout Int64, _ d: inout UInt64, _ out: UnsafeMutablePointer<Int64>,
        _ i: inout Int, _ n: Int, limit: Int
    ) -> Bool {
        let start = c.position
        guard start <= limit else { return true }
        // A top-up may load from bytes up to this one: the code after it then starts at
        // or below `limit` (it leaves at least 56 bits in the word). Codes cut from the
        // word after that may lie past `limit`, but inside the bytes loaded, so inside
        // the stream; only the `11111` path, which reads the cursor, checks again.
        let lastByte = (limit &+ 56) &>> 3
        var (word, byte, count) = startWord(c, at: start)
        codes: while i < n {
            // Top up when the longest common code (37 bits) might not fit: OR the 8
            // bytes at `byte` in after the word's `count` bits, then count the whole
            // bytes that fit. Bits past `count` already in the word are the stream's
            // own (or zero), so the OR leaves them right. `count ^ 63` is
            // `63 - count` (count ≤ 63); afterwards 56 ≤ count ≤ 63.
            if count < 37 {
                let next = byte &+ (count ^ 63) &>> 3
                guard next <= lastByte else { break codes }
                word |= BitCursor.load(c.base, at: byte) &>> UInt64(truncatingIfNeeded: count)
                byte = next
                count |= 56
            }
            // The class from the word's top bits; every code but `11111` fits.
            switch word {
            case 0..<0x8000_0000_0000_0000:
                // `0` codes: the delta repeats. The run stops at `count` at most.
                let run = min(word.leadingZeroBitCount, count, n &- i)
                word = word &<< UInt64(truncatingIfNeeded: run)
                count &-= run
                let stop = i &+ run
                repeat {
                    t &+= Int64(bitPattern: d)
                    out[i] = t
                    i &+= 1
                } while i < stop
                continue codes
            case 0x8000_0000_0000_0000..<0xC000_0000_0000_0000:
                cut(&word, &count, &d, prefix: 2, payload: 8)
            case 0xC000_0000_0000_0000..<0xE000_0000_0000_0000:
                cut(&word, &count, &d, prefix: 3, payload: 14)
            case 0xE000_0000_0000_0000..<0xF000_0000_0000_0000:
                cut(&word, &count, &d, prefix: 4, payload: 20)
            case 0xF000_0000_0000_0000..<0xF800_0000_0000_0000:
                cut(&word, &count, &d, prefix: 5, payload: 32)
            default:
                // `11111` + the whole dod in 64 bits, from the cursor; then a new word.
                // (Codes after the last top-up may have moved past `limit`.)
                let position = byte &* 8 &- count
                guard position <= limit else { break codes }
                c.position = position &+ 5
                d &+= c.takeWide(64, inBounds: true)
                (word, byte, count) = startWord(c, at: c.position)
            }
            t &+= Int64(bitPattern: d)
            out[i] = t
            i &+= 1
        }
        c.position = byte &* 8 &- count
        return true
    }

    /// `wordLoop`'s word at `position` (which is at most 69 bits past a `directLimit`,
    /// so the load stays in bounds): the 8 bytes from the position's byte, shifted to
    /// start at it, of which the rest of that byte (`count`, 1...8 bits) is counted;
    /// `byte` is the next byte, so the position is `byte × 8 − count`.
    @inlinable @inline(__always)
    static func startWord(_ c: BitCursor, at position: Int) -> (word: UInt64, byte: Int, count: Int) {
        let shift = position & 7
        let word = BitCursor.load(c.base, at: position &>> 3) &<< UInt64(truncatingIfNeeded: shift)
        return (word, position &>> 3 &+ 1, 8 &- shift)
    }

    /// One `1…10` code of `wordLoop` (`prefix` bits, then `payload` bits) cut from the
    /// top of `word`: adds its dod to `d`, shifts the word past it.
    ///
    /// The payload's top bit is shifted onto bit 63, and an arithmetic shift brings it
    /// down sign-extended. Buckets run −(2^(b−1) − 1) … 2^(b−1) (`signExtend`):
    /// subtracting 1 from the payload maps them onto two's complement's
    /// −2^(b−1) … 2^(b−1) − 1, so dod = (payload − 1) sign-extended + 1, for every
    /// payload (0 as well: −1 + 1). As ~x = −x − 1, that is −(~(payload − 1)
    /// sign-extended), and `(2^s − 1) − field` (with s = 64 − b) is ~(field − 2^s),
    /// whose top b bits are ~(payload − 1): `d` loses that, shifted down.
    @inlinable @inline(__always)
    static func cut(_ word: inout UInt64, _ avail: inout Int, _ d: inout UInt64, prefix: Int, payload: Int) {
        let field = word &<< UInt64(truncatingIfNeeded: prefix)
        let down = UInt64(truncatingIfNeeded: 64 &- payload)
        let negated = Int64(bitPattern: ((1 &<< down) &- 1) &- field) &>> down
        d &-= UInt64(bitPattern: negated)
        word = word &<< UInt64(truncatingIfNeeded: prefix &+ payload)
        avail &-= prefix &+ payload
    }

    /// The loop of `decodeBulk`: decodes into `out[i..<n]` while the position is at most
    /// `limit`, advancing `i`; false on a damaged column. `checked: false` requires
    /// `limit` to be at most the cursor's `directLimit(maxCode: 69)`.
    @inlinable @inline(__always)
    static func decodeLoop(
        _ c: inout BitCursor, _ t: inout Int64, _ d: inout UInt64, _ out: UnsafeMutablePointer<Int64>,
        _ i: inout Int, _ n: Int, limit: Int, checked: Bool
    ) -> Bool {
        while i < n && c.position <= limit {
            let w = checked ? c.peek() : c.peekInBounds()
            if w < 1 &<< 63 {
                // `0` codes: the delta repeats. Count them from this peek, stopping at the
                // bits it holds for certain, the samples wanted, and the column's end
                // (where a zero code would read past the stream: damaged).
                // (`| 0x7F`: at most 57 leading zeros, the bits a peek holds for certain.)
                var run = min((w | 0x7F).leadingZeroBitCount, n &- i)
                if checked {
                    run = min(run, c.bitsLeft)
                    guard run > 0 else { return false }
                }
                c.skip(run)
                let stop = i &+ run
                repeat {
                    t &+= Int64(bitPattern: d)
                    out[i] = t
                    i &+= 1
                } while i < stop
                continue
            }
            let ones = (~w).leadingZeroBitCount
            if ones < 5 {
                // `10`, `110`, `1110`, `11110` + 8, 14, 20 or 32 payload bits.
                let payloadBits = ones == 4 ? 32 : 2 &+ 6 &* ones
                let prefixBits = ones &+ 1
                let payload = (w &<< UInt64(truncatingIfNeeded: prefixBits))
                    &>> UInt64(truncatingIfNeeded: 64 &- payloadBits)
                c.skip(prefixBits &+ payloadBits)
                d &+= UInt64(bitPattern: signExtend(payload, bits: payloadBits))
            } else {
                c.skip(5)  // `11111` + the whole dod in 64 bits
                d &+= c.takeWide(64, inBounds: !checked)
            }
            if checked && c.overrun { return false }
            t &+= Int64(bitPattern: d)
            out[i] = t
            i &+= 1
        }
        return true
    }

    /// The first two samples: the first timestamp and the first delta, as varints.
    @usableFromInline mutating func nextHeaderField() -> Bool {
        guard let v = Varint.read(from: &reader) else { return fail() }
        if index == 0 {
            _value = Varint.unzigzag(v)
        } else {
            delta = v
            _value = _value &+ Int64(bitPattern: delta)
        }
        index += 1
        if reader.overrun { return fail() }
        return true
    }

    @usableFromInline mutating func fail() -> Bool {
        remaining = 0
        return false
    }

    /// Interprets the low `bits` bits of `u` as two's complement, except that the most
    /// positive bucket value (e.g. 128 for 8 bits) is stored as its unsigned pattern:
    /// buckets are asymmetric (−127 … 128) as in Gorilla.
    @inlinable @inline(__always)
    static func signExtend(_ u: UInt64, bits: Int) -> Int64 {
        let half = UInt64(1) &<< UInt64(truncatingIfNeeded: bits &- 1)
        return Int64(bitPattern: u > half ? u &- (half &<< 1) : u)
    }
}
