import Benchmark
import TidemarkEncoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Encoding-layer throughput. Codec benchmarks run one sample per scaled iteration
// (`scalingFactor: .kilo`, 1000 samples per measured iteration), so the scaled
// `Throughput` column reads directly as samples per second and `Time` as time per
// sample. Page benchmarks (CRC32C, LZ4) run one 64 KiB page per iteration; their
// names carry the number of samples in the page.

/// Deterministic data (SplitMix64), so every run measures the same bytes.
struct BenchRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum Data {
    static let n = 1_000

    /// Scrapes every 10 s; 30 % of them a few milliseconds late or early.
    static let timestamps: [Int64] = {
        var rng = BenchRNG(state: 1)
        return (0..<n).map { i in
            1_700_000_000_000 + Int64(i) * 10_000 + (rng.below(10) < 3 ? Int64(rng.below(11)) - 5 : 0)
        }
    }()

    /// A temperature-like gauge with two decimals, as a random walk.
    static let gauge: [Double] = {
        var rng = BenchRNG(state: 2)
        var cents = 2_150
        return (0..<n).map { _ in
            cents += rng.below(21) - 10
            return Double(cents) / 100
        }
    }()

    /// A request counter: integral, increasing by 0…999 per scrape.
    static let counter: [Double] = {
        var rng = BenchRNG(state: 3)
        var c = 1_234_567.0
        return (0..<n).map { _ in
            c += Double(rng.below(1_000))
            return c
        }
    }()

    /// A constant (e.g. `up` or a configuration gauge).
    static let constant = [Double](repeating: 1, count: n)

    /// TSBS's cpu-only values: a random walk in [0, 100] with uniform steps in [-1, 1)
    /// at full float precision (the hard case for XOR).
    static let cpuWalk: [Double] = {
        var rng = BenchRNG(state: 5)
        var v = 50.0
        return (0..<n).map { _ in
            v = min(100, max(0, v + Double(Int64(bitPattern: rng.next()) >> 11) / Double(1 << 52)))
            return v
        }
    }()

    /// The same walk rounded to integers (TSBS's integer CPU values).
    static let cpuIntegers = cpuWalk.map { $0.rounded() }

    /// Exact 10 s scrapes, as TSBS generates them.
    static let exactTimestamps: [Int64] = (0..<n).map { 1_700_000_000_000 + Int64($0) * 10_000 }

    static func timestampColumn() -> [UInt8] {
        var e = TimestampEncoder()
        for t in timestamps { e.append(t) }
        return e.writer.bytes
    }

    static func valueColumn(_ values: [Double]) -> [UInt8] {
        var e = XORValueEncoder()
        for v in values { e.append(v) }
        return e.writer.bytes
    }

    /// Eight 125-sample chunks (1000 samples) of timestamps with gauge values.
    static let chunkSize = 125
    static let chunks: [[UInt8]] = (0..<(n / chunkSize)).map { c in
        let r = c * chunkSize..<(c + 1) * chunkSize
        return try! ChunkBuilder.encode(timestamps: Array(timestamps[r]), values: Array(gauge[r]))
    }

    /// A 64 KiB page of whole 120-sample chunks (gauges, counters, constants in turn),
    /// padded with the start of the next chunk, as a block's chunk file holds them.
    static let page: (bytes: [UInt8], samples: Int) = {
        var rng = BenchRNG(state: 4)
        var bytes: [UInt8] = []
        var samples = 0
        var series = 0
        while bytes.count < 64 * 1024 {
            let t0 = 1_700_000_000_000 + Int64(rng.below(10_000))
            let ts = (0..<120).map { t0 + Int64($0) * 15_000 + (rng.below(4) == 0 ? Int64(rng.below(5)) - 2 : 0) }
            var vs: [Double]
            switch series % 3 {
            case 0:
                var cents = 1_000 + rng.below(9_000)
                vs = (0..<120).map { _ in cents += rng.below(7) - 3; return Double(cents) / 100 }
            case 1:
                var c = Double(rng.below(1_000_000))
                vs = (0..<120).map { _ in c += Double(rng.below(50)); return c }
            default:
                vs = [Double](repeating: Double(rng.below(4)), count: 120)
            }
            series += 1
            let chunk = try! ChunkBuilder.encode(timestamps: ts, values: vs)
            if bytes.count + chunk.count <= 64 * 1024 { samples += 120 }
            bytes += chunk
        }
        return (Array(bytes.prefix(64 * 1024)), samples)
    }()
}

/// Tolerances for `swift package benchmark thresholds check` against the p90 values
/// checked in under Benchmarks/Thresholds (Benchmarks/README.md, "Regression check").
/// The check compares p90 only, and a metric fails when it is off by more than either
/// bound in either direction (an improvement too: then rewrite the files). Metrics not in
/// a threshold file are not checked.
enum Tolerance {
    /// Single-threaded CPU-bound work: 1.4× the p90 time passes, 1.5× fails (two runs on
    /// the shared 2-core VM differed by up to 7 %).
    static var cpuTime: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 40]) }
    /// Allocation counts (deterministic here): 40 % more fails, and so does a benchmark
    /// that allocated nothing starting to allocate more than 20 times per iteration
    /// (1000 samples), which a relative bound cannot see.
    static var mallocs: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 40], absolute: [.p90: 20]) }
}

/// Set (to anything) to make two benchmarks deliberately worse and see the check fail:
/// "Timestamp encode" allocates once per sample, "XOR decode gauge 2 decimals" decodes
/// every sample twice (about 2× the time, no allocations).
let injectRegression = getenv("TIDEMARK_BENCH_INJECT_REGRESSION") != nil

let benchmarks: @Sendable () -> Void = {
    let thresholds: [BenchmarkMetric: BenchmarkThresholds] = [.wallClock: Tolerance.cpuTime, .mallocCountTotal: Tolerance.mallocs]
    let perSample = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000,
        thresholds: thresholds)
    let perPage = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000,
        thresholds: thresholds)
    precondition(Data.n == BenchmarkScalingFactor.kilo.rawValue)

    // MARK: Timestamps

    if injectRegression {
        Benchmark("Timestamp encode (samples)", configuration: perSample) { benchmark in
            let ts = Data.timestamps
            var e = TimestampEncoder()
            for i in benchmark.scaledIterations { e.append(ts[i]); blackHole([ts[i]]) }
            blackHole(e.writer.byteCount)
        }
    } else {
        Benchmark("Timestamp encode (samples)", configuration: perSample) { benchmark in
            let ts = Data.timestamps
            var e = TimestampEncoder()
            for i in benchmark.scaledIterations { e.append(ts[i]) }
            blackHole(e.writer.byteCount)
        }
    }

    let tsColumn = Data.timestampColumn()
    Benchmark("Timestamp decode (samples)", configuration: perSample) { benchmark in
        var d = TimestampDecoder(tsColumn, count: Data.n)
        var sum: Int64 = 0
        for _ in benchmark.scaledIterations {
            _ = d.next()
            sum &+= d.value
        }
        blackHole(sum)
    }

    // MARK: XOR values

    for (name, values) in [("gauge 2 decimals", Data.gauge), ("counter", Data.counter), ("constant", Data.constant)] {
        Benchmark("XOR encode \(name) (samples)", configuration: perSample) { benchmark in
            var e = XORValueEncoder()
            for i in benchmark.scaledIterations { e.append(values[i]) }
            blackHole(e.writer.byteCount)
        }

        let column = Data.valueColumn(values)
        if injectRegression && name == "gauge 2 decimals" {
            Benchmark("XOR decode \(name) (samples)", configuration: perSample) { benchmark in
                var d = XORValueDecoder(column, count: Data.n)
                var again = XORValueDecoder(column, count: Data.n)
                var acc: UInt64 = 0
                for _ in benchmark.scaledIterations {
                    _ = d.next()
                    _ = again.next()
                    acc ^= d.valueBits ^ again.valueBits
                }
                blackHole(acc)
            }
            continue
        }
        Benchmark("XOR decode \(name) (samples)", configuration: perSample) { benchmark in
            var d = XORValueDecoder(column, count: Data.n)
            var acc: UInt64 = 0
            for _ in benchmark.scaledIterations {
                _ = d.next()
                acc ^= d.valueBits
            }
            blackHole(acc)
        }
    }

    // MARK: Whole chunks

    Benchmark("Chunk encode 8×125 (samples)", configuration: perSample) { benchmark in
        let ts = Data.timestamps
        let vs = Data.gauge
        var b = ChunkBuilder()
        var bytes = 0
        for i in benchmark.scaledIterations {
            try? b.append(ts[i], vs[i])
            if b.count == Data.chunkSize {
                bytes += b.encoded().count
                b = ChunkBuilder()
            }
        }
        blackHole(bytes)
    }

    Benchmark("Chunk decode 8×125 (samples)", configuration: perSample) { benchmark in
        let chunks = Data.chunks
        var next = 1
        var it = try! ChunkIterator(chunks[0])
        var sum: Int64 = 0
        var acc: UInt64 = 0
        for _ in benchmark.scaledIterations {
            if !it.next() {
                it = try! ChunkIterator(chunks[next])
                next += 1
                _ = it.next()
            }
            sum &+= it.timestamp
            acc ^= it.value.bitPattern
        }
        blackHole(sum)
        blackHole(acc)
    }

    // Whole chunks decoded at a time into a reused buffer, as SeriesIterator reads them:
    // the XOR chunks above, and the same samples as a block stores them (decimal, with
    // Rice-coded columns where those are smaller).
    // The loop decodes as many samples as the framework asks for, a chunk at a time,
    // so the per-iteration bookkeeping does not swamp a per-sample cost of a few ns.
    func isDecimal(_ chunk: [UInt8]) -> Bool {
        chunk.first == ChunkEncoding.decimalPacked.rawValue || chunk.first == ChunkEncoding.decimalRice.rawValue
    }
    let decimalChunks = Data.chunks.map(ChunkBuilder.recodeSmallest)
    precondition(decimalChunks.allSatisfy(isDecimal))
    // TSBS cpu-only-like chunks (exact 10 s intervals): the full-precision walk as XOR,
    // and the integer walk as the head holds it (XOR) and as a block stores it (decimal).
    func cpuChunks(_ values: [Double], smallest: Bool) -> [[UInt8]] {
        (0..<(Data.n / Data.chunkSize)).map { c in
            let r = c * Data.chunkSize..<(c + 1) * Data.chunkSize
            let ts = Array(Data.exactTimestamps[r]), vs = Array(values[r])
            return smallest ? try! ChunkBuilder.encodeSmallest(timestamps: ts, values: vs)
                : try! ChunkBuilder.encode(timestamps: ts, values: vs)
        }
    }
    let cpuIntegerDecimal = cpuChunks(Data.cpuIntegers, smallest: true)
    precondition(cpuIntegerDecimal.allSatisfy(isDecimal))
    for (name, chunks) in [("XOR", Data.chunks), ("decimal", decimalChunks),
                           ("XOR cpu walk", cpuChunks(Data.cpuWalk, smallest: false)),
                           ("XOR cpu integers", cpuChunks(Data.cpuIntegers, smallest: false)),
                           ("decimal cpu integers", cpuIntegerDecimal)] {
        Benchmark("Chunk batch decode \(name) 8×125 (samples)", configuration: perSample) { benchmark in
            let buffer = SampleBuffer(capacity: Data.chunkSize)
            var sum: Int64 = 0
            var acc: UInt64 = 0
            var done = 0
            var next = 0
            let wanted = benchmark.scaledIterations.count
            while done < wanted {
                buffer.removeAll()
                var it = try! ChunkIterator(chunks[next % chunks.count])
                next += 1
                buffer.append(remainingOf: &it)
                for i in 0..<min(buffer.count, wanted - done) {
                    sum &+= buffer.timestamps[i]
                    acc ^= buffer.values[i].bitPattern
                }
                done += buffer.count
            }
            blackHole(sum)
            blackHole(acc)
        }
    }

    // MARK: 64 KiB pages

    let page = Data.page
    Benchmark("CRC32C 64 KiB page (\(page.samples) samples)", configuration: perPage) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(page.bytes)) }
    }

    Benchmark("LZ4 compress 64 KiB page (\(page.samples) samples)", configuration: perPage) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! LZ4.compress(page.bytes)) }
    }

    let compressed = try! LZ4.compress(page.bytes)
    Benchmark("LZ4 decompress 64 KiB page → \(compressed.count) B (\(page.samples) samples)",
              configuration: perPage) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! LZ4.decompress(compressed, rawSize: page.bytes.count))
        }
    }
}
