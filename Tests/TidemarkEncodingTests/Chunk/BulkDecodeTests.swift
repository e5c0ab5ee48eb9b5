import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

/// The bulk decoding paths (`ChunkIterator.decode(timestamps:values:)`,
/// `SampleBuffer.append(chunk:)`, the columns' `decode(into:count:)`) against the
/// sample-by-sample `next()` path as the reference: the same samples bit for bit, the
/// same count before a damaged column, the same errors.
@Suite("Bulk chunk decoding")
struct BulkDecodeTests {
    /// What decoding a chunk gave: a header error, or the samples (timestamp, value
    /// bits) before the end and the column error if any.
    enum Result: Equatable {
        case threw(ChunkError)
        case samples([Int64], [UInt64], ChunkError?)
    }

    /// The reference: `next()` until it returns false.
    static func reference(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) -> Result {
        let it: ChunkIterator
        do { it = try ChunkIterator(bytes, start: start, end: end) } catch { return .threw(error) }
        var i = it
        var ts: [Int64] = [], vs: [UInt64] = []
        while i.next() {
            ts.append(i.timestamp)
            vs.append(i.value.bitPattern)
        }
        return .samples(ts, vs, i.error)
    }

    /// The whole chunk through `ChunkIterator.decode(timestamps:values:)`.
    static func whole(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) -> Result {
        var it: ChunkIterator
        do { it = try ChunkIterator(bytes, start: start, end: end) } catch { return .threw(error) }
        var ts = [Int64](repeating: -1, count: it.count + 1)
        var vs = [Double](repeating: -1, count: it.count + 1)
        let k = ts.withUnsafeMutableBufferPointer { tp in
            vs.withUnsafeMutableBufferPointer { vp in it.decode(timestamps: tp, values: vp) }
        }
        #expect(k <= it.count)
        #expect(it.remaining == 0)
        if k > 0 {
            #expect(it.timestamp == ts[k - 1])
            #expect(it.value.bitPattern == vs[k - 1].bitPattern)
        }
        #expect(ts[it.count] == -1, "nothing written past the count")
        return .samples(Array(ts[..<k]), vs[..<k].map(\.bitPattern), it.error)
    }

    /// Straight from the bytes into a `SampleBuffer` that already holds a sample.
    static func buffered(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) -> Result {
        let buffer = SampleBuffer(capacity: 1)
        buffer.append(-7, 7)
        let error: ChunkError?
        do { error = try buffer.append(chunk: bytes, start: start, end: end) } catch { return .threw(error) }
        #expect(buffer.timestamps[0] == -7 && buffer.values[0] == 7, "earlier samples kept")
        #expect(!buffer.hasStartTimestamps || buffer.startTimestamps.count == buffer.count)
        let n = buffer.count - 1
        return .samples((0..<n).map { buffer.timestamps[1 + $0] }, (0..<n).map { buffer.values[1 + $0].bitPattern }, error)
    }

    /// In pieces of random sizes, with `next()` calls mixed in.
    static func pieces(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, rng: inout SplitMix64) -> Result {
        var it: ChunkIterator
        do { it = try ChunkIterator(bytes, start: start, end: end) } catch { return .threw(error) }
        var ts: [Int64] = [], vs: [UInt64] = []
        var tb = [Int64](repeating: 0, count: 70)
        var vb = [Double](repeating: 0, count: 70)
        while true {
            if rng.oneIn(4) {
                guard it.next() else { break }
                ts.append(it.timestamp)
                vs.append(it.value.bitPattern)
                continue
            }
            let want = 1 + rng.below(69)
            let k = tb.withUnsafeMutableBufferPointer { tp in
                vb.withUnsafeMutableBufferPointer { vp in
                    it.decode(timestamps: UnsafeMutableBufferPointer(rebasing: tp[..<want]),
                              values: UnsafeMutableBufferPointer(rebasing: vp[..<want]))
                }
            }
            ts += tb[..<k]
            vs += vb[..<k].map(\.bitPattern)
            if k < want { break }
        }
        #expect(it.next() == false, "stays ended")
        return .samples(ts, vs, it.error)
    }

    static func expectSame(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, seed: UInt64 = 1, _ label: String = "",
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = reference(bytes, start: start, end: end)
        var rng = SplitMix64(seed: seed)
        #expect(whole(bytes, start: start, end: end) == expected, "whole: \(label)", sourceLocation: sourceLocation)
        #expect(buffered(bytes, start: start, end: end) == expected, "buffer: \(label)", sourceLocation: sourceLocation)
        #expect(pieces(bytes, start: start, end: end, rng: &rng) == expected, "pieces: \(label)", sourceLocation: sourceLocation)
    }

    /// A full-precision random walk in [0, 100], as TSBS's cpu-only generates.
    static func fullPrecisionWalk(_ n: Int, rng: inout SplitMix64) -> [Double] {
        var v = Double(rng.below(10_000)) / 100
        return (0..<n).map { _ in
            v = min(100, max(0, v + Double(Int64(bitPattern: rng.next()) >> 11) / Double(1 << 52)))
            return v
        }
    }

    /// Lengths around every boundary of the decoders: the two header fields, the
    /// eight-copy fill of repeated values, a peek's 57 bits, the direct loop's margin.
    static let lengths = [0, 1, 2, 3, 4, 7, 8, 9, 10, 15, 16, 17, 56, 57, 58, 59, 64, 65, 119, 120, 121, 240, 1000]

    @Test(arguments: [UInt64(1), 2, 3])
    func everySeriesCombinationAtEveryBoundaryLength(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var values = Corpora.valueSeries(seed: seed &+ 50, count: 1000)
        values.append(("full-precision walk", Self.fullPrecisionWalk(1000, rng: &rng)))
        values.append(("integer walk", Self.fullPrecisionWalk(1000, rng: &rng).map { $0.rounded() }))
        values.append(("stale markers", [Double](repeating: Double(bitPattern: Corpora.staleMarkerBits), count: 1000)))
        for (tName, ts) in Corpora.timestampSeries(seed: seed, count: 1000) {
            for (vName, vs) in values {
                for n in Self.lengths {
                    let chunk = try ChunkBuilder.encode(timestamps: Array(ts[..<n]), values: Array(vs[..<n]))
                    Self.expectSame(chunk, seed: seed &+ UInt64(n), "\(tName) × \(vName), \(n) samples")
                    if case .samples(let gotT, let gotV, let e) = Self.whole(chunk) {
                        #expect(e == nil)
                        let wantV: [UInt64] = vs[..<n].map(\.bitPattern)
                        #expect(gotT == Array(ts[..<n]), "\(tName) × \(vName), \(n)")
                        #expect(gotV == wantV, "\(tName) × \(vName), \(n)")
                    }
                }
            }
        }
    }

    @Test func extremeTimestampsAndSpecialValues() throws {
        let specials = Corpora.specialValueBits.map { Double(bitPattern: $0) }
        for ts in Corpora.extremeTimestamps {
            for shift in 0..<specials.count {
                let vs = (0..<ts.count).map { specials[($0 * 7 + shift) % specials.count] }
                let chunk = try ChunkBuilder.encode(timestamps: ts, values: vs)
                Self.expectSame(chunk, "\(ts)")
                #expect(Self.whole(chunk) == .samples(ts, vs.bitPatterns, nil))
            }
        }
    }

    @Test func repeatedValuesEndingAtEveryOffset() throws {
        // Runs of `0` codes of every length up to 70, then a change, so the eight-copy
        // fill and the run count meet every alignment and the end of the column.
        for run in 0...70 {
            for tail in 0...3 {
                var vs = [Double](repeating: -0.0, count: run + 1)
                vs += (0..<tail).map { Double($0) + 0.5 }
                vs += [Double](repeating: .nan, count: run % 9)
                let ts: [Int64] = (0..<vs.count).map { (i: Int) -> Int64 in Int64(i) * 1_000 + (i % 5 == 0 ? 1 : 0) }
                let chunk = try ChunkBuilder.encode(timestamps: ts, values: vs)
                Self.expectSame(chunk, seed: UInt64(run), "run \(run), tail \(tail)")
                #expect(Self.buffered(chunk) == .samples(ts, vs.bitPatterns, nil))
            }
        }
    }

    @Test func chunksInsideAPage() throws {
        var rng = SplitMix64(seed: 77)
        var page: [UInt8] = [0x01]
        var ranges: [(Range<Int>, [Int64], [Double])] = []
        for i in 0..<40 {
            let n = rng.below(250)
            let ts = Corpora.regular(n, jitter: Int64(i % 3), rng: &rng)
            let vs = i % 2 == 0 ? Self.fullPrecisionWalk(n, rng: &rng) : Corpora.mixed(n, rng: &rng)
            let c = try ChunkBuilder.encode(timestamps: ts, values: vs)
            ranges.append((page.count..<page.count + c.count, ts, vs))
            page += c
        }
        page += [0xFF, 0xFF, 0xFF]  // bytes after the last chunk must not change anything
        for (range, ts, vs) in ranges {
            Self.expectSame(page, start: range.lowerBound, end: range.upperBound, "chunk at \(range)")
            #expect(Self.buffered(page, start: range.lowerBound, end: range.upperBound) == .samples(ts, vs.bitPatterns, nil))
        }
    }

    @Test func decimalAndStartTimestampChunksThroughTheBuffer() throws {
        var rng = SplitMix64(seed: 5)
        let ts = Corpora.regular(300, rng: &rng)
        let vs = Corpora.gauge(300, rng: &rng)
        for n in Self.lengths where n <= 300 {
            let decimal = try ChunkBuilder.encodeSmallest(timestamps: Array(ts[..<n]), values: Array(vs[..<n]))
            Self.expectSame(decimal, "decimal \(n)")
            var b = ChunkBuilder()
            for i in 0..<n { try b.append(ts[i], vs[i], startTimestamp: i % 3 == 0 ? ts[i] - 5 : nil) }
            let withStarts = b.encoded()
            Self.expectSame(withStarts, "with starts \(n)")
            let buffer = SampleBuffer()
            #expect(try buffer.append(chunk: withStarts) == nil)
            #expect(buffer.count == n)
            if n > 0 {
                let starts: [Int64?] = (0..<n).map { (i: Int) -> Int64? in i % 3 == 0 ? ts[i] - 5 : nil }
                #expect(buffer.startTimestamps == starts)
            }
        }
    }

    /// Truncations at every length and single bit flips: the bulk paths stop at the
    /// same sample with the same error as `next()`.
    @Test func damagedChunksEndWhereNextEnds() throws {
        var rng = SplitMix64(seed: 31)
        var chunks: [[UInt8]] = []
        for n in [1, 2, 3, 9, 60, 130] {
            let ts = Corpora.regular(n, jitter: n % 2 == 0 ? 0 : 40, rng: &rng)
            chunks.append(try ChunkBuilder.encode(timestamps: ts, values: Self.fullPrecisionWalk(n, rng: &rng)))
            chunks.append(try ChunkBuilder.encode(timestamps: Corpora.hugeJumps(n, rng: &rng), values: Corpora.mixed(n, rng: &rng)))
            chunks.append(try ChunkBuilder.encode(timestamps: ts, values: Corpora.constantRuns(n, rng: &rng)))
        }
        // Decimal chunks (fixed-width or Rice columns): integer and two-decimal walks, exact and jittered intervals,
        // a counter with jumps (exceptions).
        for n in [1, 2, 3, 9, 64, 67, 130] {
            let ts = Corpora.regular(n, jitter: n % 2 == 0 ? 0 : 4, rng: &rng)
            let walk = Self.fullPrecisionWalk(n, rng: &rng)
            for vs in [walk.map { $0.rounded() }, walk.map { ($0 * 100).rounded() / 100 }, Corpora.counter(n, rng: &rng)] {
                let chunk = try ChunkBuilder.encodeSmallest(timestamps: ts, values: vs)
                #expect([ChunkEncoding.decimalPacked.rawValue, ChunkEncoding.decimalRice.rawValue].contains(chunk.first ?? 0))
                chunks.append(chunk)
            }
        }
        #expect(chunks.contains { $0.first == ChunkEncoding.decimalRice.rawValue }, "some chunk has a Rice column")
        for (c, chunk) in chunks.enumerated() {
            for cut in 0...chunk.count {
                Self.expectSame(Array(chunk[..<cut]), seed: UInt64(cut), "chunk \(c) cut at \(cut)")
            }
            for bit in 0..<chunk.count * 8 {
                var damaged = chunk
                damaged[bit / 8] ^= 0x80 >> UInt8(bit % 8)
                Self.expectSame(damaged, seed: UInt64(bit), "chunk \(c) bit \(bit) flipped")
            }
        }
    }

    // MARK: Columns on their own

    @Test(arguments: [UInt64(11), 12])
    func timestampColumnDecodeIntoMatchesNext(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for (name, ts) in Corpora.timestampSeries(seed: seed, count: 700) + Corpora.extremeTimestamps.map({ ("extreme", $0) }) {
            var e = TimestampEncoder()
            for t in ts { e.append(t) }
            let column = e.writer.bytes
            for cut in [column.count, max(0, column.count - 1), column.count / 2] {
                var reference = TimestampDecoder(column, end: cut, count: ts.count)
                var expected: [Int64] = []
                while reference.next() { expected.append(reference.value) }
                var d = TimestampDecoder(column, end: cut, count: ts.count)
                var got: [Int64] = []
                var buffer = [Int64](repeating: 0, count: 80)
                while true {
                    let want = rng.below(80)
                    let k = buffer.withUnsafeMutableBufferPointer { d.decode(into: $0.baseAddress!, count: want) }
                    got += buffer[..<k]
                    if k < want || (want > 0 && k == 0) { break }
                    if want > 0 && got.count == ts.count { break }
                }
                #expect(got == expected, "\(name) cut \(cut)")
                #expect(d.next() == false)
            }
        }
    }

    /// The bulk timestamp loop cuts codes from a register word and reloads it only when
    /// the next code does not fit: against `next()`, with `lead` zero codes first (so
    /// every later code, and every reload, falls at each bit offset of a word), jitter
    /// of several magnitudes (every code class, `11111` + 64 bits included), a last code
    /// of each class, the column cut at each of its last 12 bytes and in the middle, and
    /// single bit flips.
    @Test(arguments: [Int64(0), 1, 60, 1_000, 300_000, 1 << 40])
    func timestampWordLoopMatchesNextAtEveryBitOffset(jitter: Int64) {
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: jitter) &+ 77)
        // A last dod of each class: 0, `10`, `110`, `1110`, `11110`, `11111`.
        let lastDods: [Int64] = [0, -127, 8192, -524_287, 2_147_483_648, -(1 << 45)]
        for lead in 0..<64 {
            var ts: [Int64] = [1_700_000_000_000, 1_700_000_010_000]
            for _ in 0..<lead { ts.append(ts[ts.count - 1] + 10_000) }
            for _ in 0..<(40 + rng.below(60)) {
                let next = ts[ts.count - 1] + 10_000
                switch rng.below(12) {
                case 0: ts.append(next)  // dod 0
                case 1: ts.append(next &+ rng.int64(in: -(1 << 50)...(1 << 50)))  // `11111` + 64 bits
                default: ts.append(next &+ rng.int64(in: -jitter...jitter))
                }
            }
            let last = lastDods[lead % lastDods.count]
            let n = ts.count
            ts.append(ts[n - 1] &+ (ts[n - 1] &- ts[n - 2]) &+ last)
            var e = TimestampEncoder()
            for t in ts { e.append(t) }
            let column = e.writer.bytes
            // Damaged columns: every bit flipped (every 8th lead, to keep the test short).
            if lead % 8 == 0 {
                for bit in 0..<column.count * 8 {
                    var damaged = column
                    damaged[bit / 8] ^= 0x80 >> UInt8(bit % 8)
                    var reference = TimestampDecoder(damaged, count: ts.count)
                    var expected: [Int64] = []
                    while reference.next() { expected.append(reference.value) }
                    var out = [Int64](repeating: 0, count: ts.count)
                    let k = out.withUnsafeMutableBufferPointer { op in
                        damaged.withUnsafeBytes { raw in
                            TimestampDecoder.decodeColumn(BitCursor(raw, start: 0, end: damaged.count), into: op.baseAddress!, count: ts.count)
                        }
                    }
                    #expect(Array(out[..<k]) == expected, "lead \(lead) jitter \(jitter) bit \(bit) flipped")
                }
            }
            for cut in Array(max(0, column.count - 12)...column.count) + [column.count / 2] {
                var reference = TimestampDecoder(column, end: cut, count: ts.count)
                var expected: [Int64] = []
                while reference.next() { expected.append(reference.value) }
                if cut == column.count { #expect(expected == ts, "lead \(lead): round trip") }
                var out = [Int64](repeating: 0, count: ts.count + 1)
                let whole = out.withUnsafeMutableBufferPointer { op in
                    column.withUnsafeBytes { raw in
                        TimestampDecoder.decodeColumn(BitCursor(raw, start: 0, end: cut), into: op.baseAddress!, count: ts.count)
                    }
                }
                #expect(Array(out[..<whole]) == expected, "lead \(lead) jitter \(jitter) cut \(cut): decodeColumn")
                var d = TimestampDecoder(column, end: cut, count: ts.count)
                let k = out.withUnsafeMutableBufferPointer { d.decode(into: $0.baseAddress!, count: ts.count) }
                #expect(Array(out[..<k]) == expected, "lead \(lead) jitter \(jitter) cut \(cut): decode(into:)")
                #expect(d.next() == false)
            }
        }
    }

    @Test(arguments: [UInt64(21), 22])
    func valueColumnDecodeIntoMatchesNext(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var series = Corpora.valueSeries(seed: seed, count: 700)
        series.append(("walk", Self.fullPrecisionWalk(700, rng: &rng)))
        for (name, vs) in series {
            var e = XORValueEncoder()
            for v in vs { e.append(v) }
            let column = e.writer.bytes
            for cut in [column.count, max(0, column.count - 1), column.count / 3] {
                var reference = XORValueDecoder(column, end: cut, count: vs.count)
                var expected: [UInt64] = []
                while reference.next() { expected.append(reference.valueBits) }
                var d = XORValueDecoder(column, end: cut, count: vs.count)
                var got: [UInt64] = []
                var buffer = [Double](repeating: 0, count: 80)
                while true {
                    if rng.oneIn(5) {
                        guard d.next() else { break }
                        got.append(d.valueBits)
                        continue
                    }
                    let want = 1 + rng.below(79)
                    let k = buffer.withUnsafeMutableBufferPointer { d.decode(into: $0.baseAddress!, count: want) }
                    got += buffer[..<k].map(\.bitPattern)
                    if k < want { break }
                }
                #expect(got == expected, "\(name) cut \(cut)")
                #expect(d.next() == false)
            }
        }
    }

    @Test func tenBitControlBeforeAnyWindowIsCorrupt() {
        // 64 raw bits, then `10` with no window yet: the bulk path stops like next().
        let column: [UInt8] = [0x40, 0x29, 0, 0, 0, 0, 0, 0, 0b1000_0000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        var d = XORValueDecoder(column, count: 3)
        var out = [Double](repeating: 0, count: 3)
        #expect(out.withUnsafeMutableBufferPointer { d.decode(into: $0.baseAddress!, count: 3) } == 1)
        #expect(out[0] == 12.5)
        // A window wider than 64 bits.
        let wide: [UInt8] = [0x40, 0x29, 0, 0, 0, 0, 0, 0, 0b1111_1111, 0b1110_0000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        var w = XORValueDecoder(wide, count: 3)
        #expect(out.withUnsafeMutableBufferPointer { w.decode(into: $0.baseAddress!, count: 3) } == 1)
    }

    /// `SampleBuffer.append(chunk:from:)` leaves out exactly the samples of a decimal
    /// chunk before `from` (bisection on the timestamps, the skipped value deltas only
    /// added up), and of other chunks at most those: what is at or after `from` is the
    /// reference's, bit for bit, wherever `from` falls.
    @Test(arguments: [UInt64(1), 2, 3])
    func samplesBeforeFromAreLeftOut(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var walk = 50.0
        let kinds: [(String, (Int) -> [Double])] = [
            ("integer walk", { n in (0..<n).map { _ in walk += Double(rng.below(5) - 2); return walk.rounded(.towardZero) } }),
            ("decimal gauge", { n in Corpora.gauge(n, rng: &rng) }),
            ("constant", { n in [Double](repeating: 3.25, count: n) }),
            ("full precision", { n in Self.fullPrecisionWalk(n, rng: &rng) }),
        ]
        for (name, make) in kinds {
            for n in [1, 2, 3, 63, 64, 65, 130, 720] {
                let ts = Corpora.regular(n, jitter: Int64(n % 3), rng: &rng)
                let vs = make(n)
                let chunk = try ChunkBuilder.encodeSmallest(timestamps: ts, values: vs)
                let decimal = chunk[0] == ChunkEncoding.decimalPacked.rawValue || chunk[0] == ChunkEncoding.decimalRice.rawValue
                guard case .samples(let rts, let rvs, nil) = Self.reference(chunk) else {
                    Issue.record("\(name) n=\(n): reference failed")
                    continue
                }
                var froms: [Int64] = [.min, ts[0] - 1, ts[n - 1], ts[n - 1] + 1, .max]
                for _ in 0..<12 { froms.append(ts[rng.below(n)] + Int64(rng.below(3)) - 1) }
                for from in froms {
                    let buffer = SampleBuffer(capacity: 1)
                    buffer.append(-7, 7)
                    let error = try buffer.append(chunk: chunk, from: from)
                    #expect(error == nil)
                    #expect(buffer.timestamps[0] == -7 && buffer.values[0] == 7, "earlier samples kept")
                    let got = (1..<buffer.count).map { (buffer.timestamps[$0], buffer.values[$0].bitPattern) }
                    let want = zip(rts, rvs).filter { $0.0 >= from }
                    let label = "\(name) n=\(n) from=\(from)"
                    if decimal {
                        #expect(got.map(\.0) == want.map(\.0), "\(label)")
                        #expect(got.map(\.1) == want.map(\.1), "\(label)")
                    } else {
                        let kept = got.filter { $0.0 >= from }
                        #expect(kept.map(\.0) == want.map(\.0) && kept.map(\.1) == want.map(\.1), "\(label)")
                    }
                }
            }
        }
    }
}
