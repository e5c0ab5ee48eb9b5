import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

/// The k = 0 decoder of `RiceColumn.forEachBlock` (set bits of a bit-reversed window)
/// against a bit-at-a-time reference that reads the format as docs/format/chunk.md
/// states it and fails as the careful loop always has: same values, same end position,
/// same `ChunkError` for every damaged column.
@Suite("Rice columns: the k = 0 fast path against a reference decoder")
struct RiceColumnFastPathTests {
    /// A plain reading of a Rice column: one bit at a time, bits past the stream's end
    /// read as zero, then the same checks and messages as `RiceColumn.forEachBlock`.
    static func reference(_ bytes: [UInt8], from start: Int, end: Int, count: Int) -> Result<(values: [UInt64], end: Int), ChunkError> {
        let end = min(end, bytes.count)
        var position = start
        guard position >= 0, position < end, bytes[position] & RiceColumn.marker != 0 else {
            return .failure(.corrupt("rice column header missing at byte \(position)"))
        }
        let k = Int(bytes[position] & ~RiceColumn.marker)
        guard k <= 63 else { return .failure(.corrupt("rice parameter \(k) > 63 at byte \(position)")) }
        position += 1
        let length = bytes.withUnsafeBytes { ByteVarint.read($0, &position, end) }
        guard let length, length <= UInt64(end - position) else {
            return .failure(.corrupt("rice column length missing or past the chunk end at byte \(position)"))
        }
        let streamEnd = position + Int(length)
        let endBits = streamEnd * 8
        var bit = position * 8
        func read() -> UInt64 {
            defer { bit += 1 }
            return bit < endBits ? UInt64(bytes[bit >> 3] >> (7 - UInt8(bit & 7)) & 1) : 0
        }
        func read(_ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for _ in 0..<n { v = v << 1 | read() }
            return v
        }
        var values: [UInt64] = []
        for _ in 0..<count {
            var zeros = 0
            while zeros < 32, read() == 0 { zeros += 1 }
            if zeros == 32 {
                values.append(read(64))
            } else {
                values.append(UInt64(zeros) << UInt64(k) | read(k))
            }
        }
        if bit > endBits { return .failure(.corrupt("rice column of \(count) values runs past its \(length) bytes")) }
        if endBits - bit >= 8 {
            return .failure(.corrupt("rice column has \((endBits - bit) / 8) bytes after its \(count) values"))
        }
        return .success((values, streamEnd))
    }

    /// `RiceColumn.forEachBlock` over `bytes`, also checking the block interface: blocks
    /// of `PackedIntegers.blockSize` in order, the last one shorter.
    static func fast(_ bytes: [UInt8], from start: Int, end: Int, count: Int) -> Result<(values: [UInt64], end: Int), ChunkError> {
        var position = start
        var values: [UInt64] = []
        var blocks: [Int] = []
        let failure: ChunkError? = bytes.withUnsafeBytes { raw in
            do throws(ChunkError) {
                try RiceColumn.forEachBlock(raw, at: &position, end: end, count: count) { block, n, first in
                    #expect(first == values.count && block != nil)
                    blocks.append(n)
                    for j in 0..<n { values.append(block.unsafelyUnwrapped[j]) }
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { return .failure(failure) }
        let size = PackedIntegers.blockSize
        let expected = (0..<(count + size - 1) / size).map { min(size, count - $0 * size) }
        #expect(blocks == expected, "block lengths")
        return .success((values, position))
    }

    /// Both decoders agree on `bytes` (values and end on success, the error otherwise).
    static func agree(_ bytes: [UInt8], from start: Int = 0, end: Int? = nil, count: Int, _ what: @autoclosure () -> String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let end = end ?? bytes.count
        let want = reference(bytes, from: start, end: end, count: count)
        let got = fast(bytes, from: start, end: end, count: count)
        switch (want, got) {
        case let (.success(w), .success(g)):
            #expect(g.end == w.end, "end: \(what())", sourceLocation: sourceLocation)
            #expect(g.values == w.values, "values: \(what())", sourceLocation: sourceLocation)
        case let (.failure(w), .failure(g)):
            #expect(g == w, "error: \(what())", sourceLocation: sourceLocation)
        default:
            Issue.record("reference \(want), fast path \(got): \(what())", sourceLocation: sourceLocation)
        }
    }

    /// `n` values that make a k = 0 column of the given style: mostly 0/1/2 (a random
    /// walk's zigzag steps), with runs of larger codes (up to 31 zeros) and escapes.
    static func values(_ n: Int, _ rng: inout SplitMix64, style: Int) -> [UInt64] {
        (0..<n).map { _ in
            switch style {
            case 0: return UInt64(rng.below(3))
            case 1: return rng.oneIn(8) ? UInt64(rng.below(32)) : UInt64(rng.below(3))
            case 2: return rng.oneIn(20) ? 32 + UInt64(rng.below(100)) : UInt64(rng.below(4))
            case 3: return rng.oneIn(3) ? rng.next() >> UInt64(rng.below(64)) : UInt64(rng.below(40))
            default: return rng.oneIn(2) ? 0 : UInt64(rng.below(33))
            }
        }
    }

    /// Encodes `values` (k = 0) after `prefix` bytes and before `suffix` bytes.
    static func column(_ values: [UInt64], k: Int = 0, prefix: Int, suffix: Int, _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = (0..<prefix).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        RiceColumn.append(values, k: k, to: &bytes)
        bytes += (0..<suffix).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        return bytes
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func propertyK0MatchesTheReference(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for n in 1...1000 where n <= 80 || rng.oneIn(3) {
            var vs = Self.values(n, &rng, style: rng.below(5))
            if rng.oneIn(4) {
                // Pad with zeros (one bit each) so the stream ends at a 64-bit boundary.
                let bits = RiceColumn.bits(vs, k: 0)
                vs += [UInt64](repeating: 0, count: (64 - bits % 64) % 64)
            }
            let prefix = rng.below(9), suffix = rng.oneIn(2) ? 0 : rng.below(20)
            let bytes = Self.column(vs, prefix: prefix, suffix: suffix, &rng)
            let got = try Self.fast(bytes, from: prefix, end: bytes.count, count: vs.count).get()
            #expect(got.values == vs, "n=\(vs.count)")
            #expect(got.end == bytes.count - suffix)
            Self.agree(bytes, from: prefix, count: vs.count, "n=\(vs.count)")
        }
    }

    @Test func escapesAtEveryPosition() throws {
        var rng = SplitMix64(seed: 21)
        for n in [1, 2, 3, 31, 63, 64, 65, 100, 130] {
            for at in 0..<n {
                for escape: UInt64 in [32, .max, 1 << 63, 0x5555_5555_5555_5555, 33] {
                    var vs = Self.values(n, &rng, style: 0)
                    vs[at] = escape
                    let bytes = Self.column(vs, prefix: 1, suffix: 0, &rng)
                    #expect(try Self.fast(bytes, from: 1, end: bytes.count, count: n).get().values == vs, "n=\(n) at=\(at)")
                }
            }
        }
        // Runs of escapes, and escapes next to 31-zero codes, first and last.
        let tricky: [[UInt64]] = [
            [.max], [32], [31], [31, 32, 31], [.max, .max, .max], [0, .max], [.max, 0], [31, 31, 31, 31],
            [UInt64](repeating: 1 << 63 | 1, count: 70), (0..<200).map { UInt64($0 % 34) },
        ]
        for vs in tricky {
            let bytes = Self.column(vs, prefix: 0, suffix: 0, &rng)
            #expect(try Self.fast(bytes, from: 0, end: bytes.count, count: vs.count).get().values == vs, "\(vs.prefix(5))")
        }
    }

    @Test func columnsEndingAtAWordBoundary() throws {
        var rng = SplitMix64(seed: 31)
        // 64, 128, … bits of codes exactly: all-ones words, two-bit codes, escapes at the end.
        for words in 1...6 {
            var cases: [[UInt64]] = [
                [UInt64](repeating: 0, count: 64 * words),
                [UInt64](repeating: 1, count: 32 * words),
                [UInt64](repeating: 0, count: 64 * words - 32) + [31],
            ]
            if words >= 2 { cases.append([UInt64](repeating: 0, count: 64 * words - 96) + [.max]) }
            for vs in cases where RiceColumn.bits(vs, k: 0) == 64 * words {
                for prefix in 0..<9 {
                    let bytes = Self.column(vs, prefix: prefix, suffix: 0, &rng)
                    #expect(try Self.fast(bytes, from: prefix, end: bytes.count, count: vs.count).get().values == vs)
                    Self.agree(bytes, from: prefix, count: vs.count, "words=\(words) prefix=\(prefix)")
                    // One value fewer or more than the column holds.
                    Self.agree(bytes, from: prefix, count: vs.count - 1, "one fewer")
                    Self.agree(bytes, from: prefix, count: vs.count + 1, "one more")
                }
            }
        }
    }

    @Test(arguments: [UInt64(41), 42])
    func damagedColumnsFailAsBefore(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<400 {
            let n = 1 + rng.below(rng.oneIn(4) ? 1000 : 150)
            let k = rng.oneIn(5) ? rng.below(4) : 0
            let vs = Self.values(n, &rng, style: rng.below(5))
            let prefix = rng.below(4)
            var bytes = Self.column(vs, k: k, prefix: prefix, suffix: 0, &rng)
            // Counts off by a few.
            for d in [-3, -2, -1, 1, 2, 40] where n + d >= 0 {
                Self.agree(bytes, from: prefix, count: n + d, "n=\(n) k=\(k) count \(d)")
            }
            // Truncated at every length near the end, and the end argument short.
            for cut in 1...min(12, bytes.count - prefix) {
                Self.agree(Array(bytes.dropLast(cut)), from: prefix, count: n, "cut \(cut)")
                Self.agree(bytes, from: prefix, end: bytes.count - cut, count: n, "end short by \(cut)")
            }
            // The length field one too small or too large, with the bytes to match or not.
            var lengthAt = prefix + 1
            let length = try #require(bytes.withUnsafeBytes { ByteVarint.read($0, &lengthAt, bytes.count) })
            let stream = Array(bytes[lengthAt...])
            for (newLength, body) in [(length - 1, Array(stream.dropLast())), (length - 1, stream),
                                      (length + 1, stream + [0]), (length + 1, stream + [0x80]), (length + 1, stream)] {
                var damaged = Array(bytes[..<(prefix + 1)])
                Varint.append(newLength, to: &damaged)
                damaged += body
                Self.agree(damaged, from: prefix, count: n, "length \(newLength) for \(length)")
            }
            // Trailing bytes inside the column, then flipped bits anywhere in the stream.
            var longer = Array(bytes[..<(prefix + 1)])
            Varint.append(length + 2, to: &longer)
            longer += stream + [0, 0]
            Self.agree(longer, from: prefix, count: n, "two trailing bytes")
            for _ in 0..<4 {
                let at = lengthAt + rng.below(bytes.count - lengthAt)
                bytes[at] ^= 1 << UInt8(rng.below(8))
                Self.agree(bytes, from: prefix, count: n, "flipped bit in byte \(at - lengthAt)")
            }
        }
        // Random bytes behind a k = 0 header: mostly damaged, always the same verdict.
        for _ in 0..<2000 {
            let length = rng.below(40)
            var bytes: [UInt8] = [0x80]
            Varint.append(UInt64(length), to: &bytes)
            bytes += (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next() & rng.next()) }
            Self.agree(bytes, count: rng.below(length * 8 + 2), "random stream of \(length) bytes")
        }
    }

    @Test func otherParametersStillMatchTheReference() throws {
        var rng = SplitMix64(seed: 51)
        for _ in 0..<300 {
            let n = 1 + rng.below(300)
            let vs = (0..<n).map { _ in rng.oneIn(30) ? rng.next() : rng.next() >> UInt64(56 + rng.below(8)) }
            let k = rng.oneIn(2) ? RiceColumn.bestParameter(vs).k : rng.below(64)
            let bytes = Self.column(vs, k: k, prefix: 2, suffix: rng.below(3), &rng)
            Self.agree(bytes, from: 2, count: n, "k=\(k)")
        }
    }

    @Test func tsbsWalkStepsChooseKZero() {
        // The steps of TSBS's cpu walk (standard normal, truncated), zigzagged: Rice with
        // k = 0, the case the fast path is for.
        var rng = SplitMix64(seed: 61)
        var walk = 50.0, last: Int64 = 50
        var steps: [UInt64] = []
        for _ in 0..<719 {
            walk = min(100, max(0, walk + rng.standardNormal()))
            let v = Int64(walk.rounded(.towardZero))
            steps.append(Varint.zigzag(v - last))
            last = v
        }
        #expect(RiceColumn.bestParameter(steps).k == 0)
        var out: [UInt8] = []
        #expect(IntegerColumn.append(steps, to: &out, allowRice: true))
        #expect(out.first == RiceColumn.marker)
    }

    /// `leadingSumK0` adds up exactly the codes it says it read (never more than asked,
    /// never into an escape), and `forEachBlock(skipping:)` resumed after them yields the
    /// rest as the reference reads it, ending where it does.
    @Test(arguments: [UInt64(61), 62, 63])
    func leadingSumsResumeWhereTheyStop(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for round in 0..<300 {
            let n = 1 + rng.below(round % 3 == 0 ? 80 : 800)
            let values = Self.values(n, &rng, style: round % 4)
            let prefix = rng.below(3)
            let bytes = Self.column(values, prefix: prefix, suffix: rng.below(3), &rng)
            let end = bytes.count
            guard case .success(let ref) = Self.reference(bytes, from: prefix, end: end, count: n) else {
                Issue.record("reference failed")
                continue
            }
            for limit in [0, 1, n / 2, n - 1, n, n + 5, rng.below(n + 1)] {
                let (codes, bits, sum) = bytes.withUnsafeBytes { RiceColumn.leadingSumK0($0, at: prefix, end: end, limit: limit) }
                #expect(codes <= max(0, limit) && codes <= n, "round \(round) limit \(limit)")
                let want = ref.values[..<min(codes, n)].reduce(Int64(0)) { $0 &+ Varint.unzigzag($1) }
                #expect(sum == want, "round \(round) limit \(limit): sum")
                var position = prefix
                var rest: [UInt64] = []
                var firsts: [Int] = []
                let failure: ChunkError? = bytes.withUnsafeBytes { raw in
                    do throws(ChunkError) {
                        try RiceColumn.forEachBlock(raw, at: &position, end: end, count: n, skipping: (codes, bits)) { block, k, first in
                            firsts.append(first)
                            for j in 0..<k { rest.append(block.unsafelyUnwrapped[j]) }
                        }
                        return nil
                    } catch {
                        return error
                    }
                }
                #expect(failure == nil)
                #expect(rest == Array(ref.values[codes...]), "round \(round) limit \(limit): the rest")
                #expect(firsts.first ?? codes == codes)
                #expect(position == ref.end)
            }
        }
    }

    /// A random walk's steps (what TSBS data codes with k = 0) are added up several
    /// codes per byte, right up to the limit or the escape.
    @Test func leadingSumsStopOnlyAtTheLimitOrAnEscape() throws {
        var rng = SplitMix64(seed: 5)
        let steps: [UInt64] = (0..<700).map { Varint.zigzag(Int64($0 % 5) - 2) }
        let bytes = Self.column(steps, prefix: 0, suffix: 0, &rng)
        let (codes, _, sum) = bytes.withUnsafeBytes { RiceColumn.leadingSumK0($0, at: 0, end: bytes.count, limit: 684) }
        #expect(codes >= 684 - 7 && codes <= 684)  // stops before the byte that would pass the limit
        #expect(sum == steps[..<codes].reduce(Int64(0)) { $0 + Varint.unzigzag($1) })
        var withEscape = steps
        withEscape[300] = 1 << 40
        let escaped = Self.column(withEscape, prefix: 0, suffix: 0, &rng)
        let (upTo, _, _) = escaped.withUnsafeBytes { RiceColumn.leadingSumK0($0, at: 0, end: escaped.count, limit: 684) }
        #expect(upTo <= 300 && upTo >= 300 - 7)
    }
}
