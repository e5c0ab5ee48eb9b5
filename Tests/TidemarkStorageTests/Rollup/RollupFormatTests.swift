import Testing
import TidemarkEncoding
@testable import TidemarkStorage

func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

/// Windows of `samples` (time, value, start) with window `w`.
func rollup(_ samples: [(Int64, Double, Int64)], window w: Int64) -> [RollupWindow] {
    var acc = RollupAccumulator(window: w)
    for (t, v, st) in samples { acc.add(t, v, start: st) }
    return acc.finish()
}

@Suite struct RollupWindowTests {
    @Test func windowsAreLeftOpenAndEndAligned() {
        #expect(RollupWindow.end(of: 300_000, window: 300_000) == 300_000)
        #expect(RollupWindow.end(of: 300_001, window: 300_000) == 600_000)
        #expect(RollupWindow.end(of: 1, window: 300_000) == 300_000)
        #expect(RollupWindow.end(of: 0, window: 300_000) == 0)
        #expect(RollupWindow.end(of: -1, window: 300_000) == 0)
        #expect(RollupWindow.end(of: -300_000, window: 300_000) == -300_000)
        #expect(RollupWindow.end(of: -300_001, window: 300_000) == -300_000)
    }

    @Test func accumulatorSummarizesEachWindow() {
        // A counter with a reset in the second window, at 60 s scrapes, 5 m windows.
        let vals: [Double] = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3]
        let ws = rollup(vals.enumerated().map { (Int64($0.offset + 1) * 60_000, $0.element, 0) }, window: 300_000)
        #expect(ws.count == 2)
        #expect(ws[0] == RollupWindow(end: 300_000, count: 5, sum: 15, min: 1, max: 5, firstTime: 60_000, first: 1, firstStart: 0,
                                      lastTime: 300_000, last: 5, lastStart: 0, resets: 0, resetCorrection: 0))
        #expect(ws[1] == RollupWindow(end: 600_000, count: 5, sum: 19, min: 1, max: 7, firstTime: 360_000, first: 6, firstStart: 0,
                                      lastTime: 600_000, last: 3, lastStart: 0, resets: 1, resetCorrection: 7))
    }

    @Test func nanRuleForMinAndMax() {
        let ws = rollup([(1, .nan, 0), (2, 3, 0), (3, .nan, 0), (4, -1, 0)], window: 10)
        #expect(ws[0].min == -1 && ws[0].max == 3)
        let all = rollup([(1, .nan, 0), (2, .nan, 0)], window: 10)
        #expect(all[0].min.isNaN && all[0].max.isNaN)
    }

    @Test func mergingWindowsEqualsAccumulatingTheirSamples() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var t: Int64 = Int64.random(in: -1_000_000...1_000_000, using: &g)
            var v = 0.0
            var samples: [(Int64, Double, Int64)] = []
            for _ in 0..<Int.random(in: 1...400, using: &g) {
                t += Int64.random(in: 1...40_000, using: &g)
                v = Int.random(in: 0..<20, using: &g) == 0 ? Double(Int.random(in: 0...5, using: &g)) : v + Double(Int.random(in: 0...100, using: &g))
                let st: Int64 = Int.random(in: 0..<30, using: &g) == 0 ? t - 1 : 0
                samples.append((t, v, st))
            }
            let fine = rollup(samples, window: 60_000)
            let coarse = rollup(samples, window: 600_000)
            var merged: [RollupWindow] = []
            var i = 0
            while i < fine.count {
                let e = RollupWindow.end(of: fine[i].end, window: 600_000)
                var j = i
                while j < fine.count && fine[j].end <= e { j += 1 }
                merged.append(RollupWindow.merge(fine[i..<j], end: e))
                i = j
            }
            // Integer values: sums and reset corrections are exact in any order.
            #expect(merged == coarse)
        }
    }

    @Test func resolutionNamesParse() {
        #expect(RollupResolution.window(ofResolution: "5m") == 300_000)
        #expect(RollupResolution.window(ofResolution: "1h") == 3_600_000)
        #expect(RollupResolution.window(ofResolution: "1h30m") == 5_400_000)
        #expect(RollupResolution.window(ofResolution: "250ms") == 250)
        #expect(RollupResolution.window(ofResolution: "raw") == nil)
        #expect(RollupResolution.window(ofResolution: "5") == nil)
        #expect(RollupResolution(window: 300_000, minAge: 0).name == "5m")
        #expect(RollupResolution(window: 3_600_000, minAge: 0).name == "1h")
    }
}

@Suite struct RollupColumnsTests {
    @Test func roundTripsEveryValueBitForBit() throws {
        var g = SystemRandomNumberGenerator()
        let specials: [Double] = [.nan, Double(bitPattern: 0x7ff0_0000_0000_0001), -0.0, .infinity, -.infinity, 0.1, 1e300, -5e-324]
        var windows: [RollupWindow] = []
        var end: Int64 = -5 * 300_000
        for k in 0..<2500 {
            end += 300_000 * Int64.random(in: 1...3, using: &g)
            func v() -> Double { Int.random(in: 0..<4, using: &g) == 0 ? specials.randomElement(using: &g)! : Double(Int.random(in: -1000...1000, using: &g)) / 100 }
            let first = end - Int64.random(in: 0..<300_000, using: &g)
            windows.append(RollupWindow(
                end: end, count: Int.random(in: 1...300, using: &g), sum: v(), min: v(), max: v(),
                firstTime: first, first: v(), firstStart: k % 7 == 0 ? Int64.random(in: .min ... .max, using: &g) : 0,
                lastTime: Int64.random(in: first...end, using: &g), last: v(), lastStart: k % 5 == 0 ? first - 1 : 0,
                resets: Int.random(in: 0...3, using: &g), resetCorrection: v()))
        }
        let chunks = RollupColumns.encode(windows)
        #expect(chunks.count == 3 * RollupColumns.columnCount)  // 2500 windows: groups of 1024
        var back: [RollupWindow] = []
        for g in stride(from: 0, to: chunks.count, by: RollupColumns.columnCount) {
            back += try RollupColumns.decode(chunks[g..<g + RollupColumns.columnCount].map(\.bytes))
        }
        #expect(back == windows)
    }

    /// The worked example of docs/format/rollup.md.
    @Test func goldenBytes() throws {
        let ws = rollup([(240_000, 10, 0), (300_000, 12, 0), (360_000, 15, 0), (420_000, 3, 0), (480_000, 4.5, 0)], window: 300_000)
        #expect(ws.count == 2)
        let chunks = RollupColumns.encode(ws).map { hex($0.bytes) }
        // Every column is a decimal-packed chunk (0x02) of 2 samples at the window ends
        // 300000 and 600000 (c0cf24 e0a712); then scale, m₀ and the Δm column.
        #expect(chunks == [
            "0202c0cf24e0a7120004020080",        // count: 2, 3
            "0202c0cf24e0a71201b8030400a0",      // sum: 22, 22.5 (scale 1)
            "0202c0cf24e0a71200140400d0",        // min: 10, 3
            "0202c0cf24e0a71200180300c0",        // max: 12, 15
            "0202c0cf24e0a71200140400a0",        // first: 10, 15
            "0202c0cf24e0a71200c0a9071300afc800", // first offset: 60000, 240000
            "0202c0cf24e0a71200000000",          // first start: none, none
            "0202c0cf24e0a71201f001080095",      // last: 12, 4.5 (scale 1)
            "0202c0cf24e0a71200001200ea6000",    // last offset: 0, 120000
            "0202c0cf24e0a71200000000",          // last start: none, none
            "0202c0cf24e0a7120000020080",        // resets: 0, 1
            "0202c0cf24e0a71200000500f0",        // reset correction: 0, 15
        ])
        #expect(try RollupColumns.decode(RollupColumns.encode(ws).map(\.bytes)) == ws)
    }

    @Test func rejectsDamagedGroups() {
        let ws = rollup([(1, 1, 0), (400_000, 2, 0)], window: 300_000)
        let chunks = RollupColumns.encode(ws).map(\.bytes)
        #expect(throws: ChunkError.self) { try RollupColumns.decode(Array(chunks.dropLast())) }
        var other = chunks
        other[3] = try! ChunkBuilder.encodeSmallest(timestamps: [300_000, 900_000], values: [1, 2])
        #expect(throws: ChunkError.self) { try RollupColumns.decode(other) }
        var zero = chunks
        zero[0] = try! ChunkBuilder.encodeSmallest(timestamps: [300_000, 600_000], values: [0, 1])
        #expect(throws: ChunkError.self) { try RollupColumns.decode(zero) }
    }
}
