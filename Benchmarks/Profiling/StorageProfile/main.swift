#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StorageFixtures
import TidemarkEncoding
import TidemarkStorage
import TidemarkWorkloads

// The work of StorageBenchmarks (and a realistic-data chunk decode) as a plain
// executable, for `valgrind --tool=callgrind`: the ordo-one benchmark executables crash
// valgrind 3.19 (malloc interposer and runner threads). It also prints a wall-clock rate,
// which is only a sanity check; docs/benchmarks.md quotes the ordo-one figures.
//
//   StorageProfile append BATCHES [BATCH]          by SeriesRef, WAL sync never, 250 hosts
//   StorageProfile append-labels BATCHES [BATCH]   by label set
//   StorageProfile iterate head|block HOSTS ROUNDS [REPEAT]   select {job="node"} + decode all
//   StorageProfile decode HOSTS ROUNDS [REPEAT] [xor|block|both]
//                                                 240-sample chunks of the workload as the head
//                                                 cuts them (XOR) and as a block stores them,
//                                                 each by next() and by SampleBuffer
//   StorageProfile codec float|int|tsbs xor|smallest SAMPLES CHUNKS [REPEAT] [JITTER]
//                                                 CHUNKS chunks of SAMPLES cpu-only-like samples
//                                                 (10 s apart; values a full-precision random walk
//                                                 in [0, 100], or that walk rounded to integers,
//                                                 or TSBS's walk: normal steps, truncated),
//                                                 as XOR or in the smallest codec, each decoded by
//                                                 next(), a chunk at a time into a plain buffer,
//                                                 and into a SampleBuffer; JITTER > 0 moves
//                                                 each timestamp by up to ± JITTER ms
//   StorageProfile drain float|int SERIES SAMPLES [REPEAT]
//                                                 the same data as one block (240-sample chunks,
//                                                 smallest codec), every series drained into arrays
//                                                 as the query engine's SeriesDecoding does: once
//                                                 reading the pages, then REPEAT times from the cache
//
// Under callgrind, isolate the measured part with --toggle-collect:
//   append: '*appendBatch*'   iterate: '*drain*' (decode only) or '*runQueries*'
//   decode: '*decodeAll*' (next()) or '*decodeBatches*' (SampleBuffer)
//   codec: '*codecNext*' (next()), '*codecBulk*' (decode(timestamps:values:)) or
//          '*codecBuffer*' (SampleBuffer.append(chunk:))
//   drain: '*drainSeries*' (pages cached) or '*drainCold*' (the first pass, which reads them)

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func report(_ what: String, samples: Int, _ d: Duration) {
    let s = seconds(d)
    print("\(what): \(samples) samples in \(format3(s)) s = \(format3(Double(samples) / s / 1e6)) M samples/s")
}

/// CPU time this thread has used, in seconds: on a shared machine, samples per CPU-second
/// is the per-core rate, whatever else is running.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` and prints its wall-clock rate and its rate per CPU-second.
func measureDecode(_ what: String, _ body: () -> (samples: Int, checksum: UInt64)) {
    let cpu0 = threadCPUSeconds()
    var result = (samples: 0, checksum: UInt64(0))
    let d = clock.measure { result = body() }
    let cpu = threadCPUSeconds() - cpu0
    report("\(what) (checksum \(result.checksum))", samples: result.samples, d)
    print("  per CPU-second: \(format3(Double(result.samples) / cpu / 1e6)) M samples/s (\(format3(cpu)) s CPU)")
}

func format3(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    return "\(scaled)"
}

@inline(never)
func runQueries(_ db: DB, repeat count: Int) throws -> (samples: Int, checksum: UInt64) {
    var total = 0
    var check: UInt64 = 0
    for _ in 0..<count {
        let result = try db.querier().select([.equal("job", "node")], mint: .min, maxt: .max)
        let (n, c) = drain(result)
        total += n
        check ^= c
    }
    return (total, check)
}

/// Chunks of 240 samples per series, as the head cuts them.
func buildChunks(hosts: Int, rounds: Int) -> (chunks: [[UInt8]], samples: Int) {
    let stream = SampleStream(hosts: hosts, rounds: rounds)
    var perSeries = [(ts: [Int64], vs: [Double])](repeating: ([], []), count: stream.seriesCount)
    for i in 0..<stream.count {
        let s = stream.sample(i)
        perSeries[s.series].ts.append(s.t)
        perSeries[s.series].vs.append(s.v)
    }
    var chunks: [[UInt8]] = []
    for s in perSeries {
        var start = 0
        while start < s.ts.count {
            let end = min(s.ts.count, start + 240)
            chunks.append(try! ChunkBuilder.encode(timestamps: Array(s.ts[start..<end]), values: Array(s.vs[start..<end])))
            start = end
        }
    }
    return (chunks, stream.count)
}

@inline(never)
func decodeAll(_ chunks: [[UInt8]], repeat count: Int) -> (samples: Int, checksum: UInt64) {
    var n = 0
    var sum: Int64 = 0
    var acc: UInt64 = 0
    for _ in 0..<count {
        for c in chunks {
            var it = try! ChunkIterator(c)
            while it.next() {
                n += 1
                sum &+= it.timestamp
                acc ^= it.value.bitPattern
            }
        }
    }
    return (n, UInt64(bitPattern: sum) ^ acc)
}

@inline(never)
func decodeBatches(_ chunks: [[UInt8]], repeat count: Int) -> (samples: Int, checksum: UInt64) {
    var n = 0
    var sum: Int64 = 0
    var acc: UInt64 = 0
    let buffer = SampleBuffer()
    for _ in 0..<count {
        for c in chunks {
            buffer.removeAll()
            var it = try! ChunkIterator(c)
            n += buffer.append(remainingOf: &it)
            for i in 0..<buffer.count {
                sum &+= buffer.timestamps[i]
                acc ^= buffer.values[i].bitPattern
            }
        }
    }
    return (n, UInt64(bitPattern: sum) ^ acc)
}

/// `series` series of `samples` samples each, 10 s apart, values as TSBS's cpu-only
/// generates them (a uniform step in [-1, 1) kept inside [0, 100], full precision), or
/// that walk rounded to integers (`integers`).
///
/// `tsbs`: the walk as `CPUOnlyWorkload` (and TSBS) makes it instead, standard-normal
/// steps truncated toward zero; its chunks are `decimalRice` with a k = 0 value column.
///
/// `jitter` > 0 moves each timestamp by a uniform offset in `-jitter...jitter` ms, as
/// node-exporter scrapes land (drawn from a generator of its own, so the values are the
/// same whatever the jitter): most delta-of-deltas are then nonzero, `10` + 8 bits for
/// a jitter of tens of ms, mostly `110` + 14 bits for a jitter of a second.
func cpuSeries(series: Int, samples: Int, integers: Bool, tsbs: Bool = false, jitter: Int = 0) -> [(ts: [Int64], vs: [Double])] {
    var rng = SplitMix64(seed: 0xC0FFEE)
    var jitterRNG = SplitMix64(seed: 0x5C7A)
    return (0..<series).map { _ in
        var walk = Double(rng.below(10_000)) / 100
        let t0 = dataStart + Int64(rng.below(10_000))
        var ts: [Int64] = [], vs: [Double] = []
        for i in 0..<samples {
            let offset = jitter > 0 ? Int64(jitterRNG.below(2 * jitter + 1) - jitter) : 0
            ts.append(t0 + Int64(i) * 10_000 + offset)
            if tsbs {
                walk = min(100, max(0, walk + rng.standardNormal()))
                vs.append(walk.rounded(.towardZero))
                continue
            }
            let step = Double(Int64(bitPattern: rng.next()) >> 11) / Double(1 << 52)
            walk = min(100, max(0, walk + step))
            vs.append(integers ? walk.rounded() : walk)
        }
        return (ts, vs)
    }
}

@inline(never)
func codecNext(_ chunks: [[UInt8]], repeat count: Int) -> (samples: Int, checksum: UInt64) {
    decodeAll(chunks, repeat: count)
}

@inline(never)
func codecBulk(_ chunks: [[UInt8]], capacity: Int, repeat count: Int) -> (samples: Int, checksum: UInt64) {
    var n = 0
    var sum: Int64 = 0
    var acc: UInt64 = 0
    var ts = [Int64](repeating: 0, count: capacity)
    var vs = [Double](repeating: 0, count: capacity)
    ts.withUnsafeMutableBufferPointer { tp in
        vs.withUnsafeMutableBufferPointer { vp in
            for _ in 0..<count {
                for c in chunks {
                    var it = try! ChunkIterator(c)
                    let k = it.decode(timestamps: tp, values: vp)
                    n += k
                    // Touch only the last sample: the buffer was written by the decoder.
                    sum &+= tp[k - 1]
                    acc ^= vp[k - 1].bitPattern
                }
            }
        }
    }
    return (n, UInt64(bitPattern: sum) ^ acc)
}

/// Each chunk appended to a reused `SampleBuffer` straight from its bytes, as the
/// storage layer's `SeriesIterator` loads chunks.
@inline(never)
func codecBuffer(_ chunks: [[UInt8]], repeat count: Int) -> (samples: Int, checksum: UInt64) {
    var n = 0
    var sum: Int64 = 0
    var acc: UInt64 = 0
    let buffer = SampleBuffer()
    for _ in 0..<count {
        for c in chunks {
            buffer.removeAll()
            precondition(try! buffer.append(chunk: c) == nil)
            n += buffer.count
            sum &+= buffer.timestamps[buffer.count - 1]
            acc ^= buffer.values[buffer.count - 1].bitPattern
        }
    }
    return (n, UInt64(bitPattern: sum) ^ acc)
}

/// The first `drainSeries` pass: it reads every page from the chunk files (checksum,
/// LZ4), after which they are in the page cache. Toggle '*drainCold*' to profile it.
@inline(never)
func drainCold(_ series: [Series]) -> (samples: Int, checksum: UInt64) {
    drainAll(series, repeat: 1)
}

/// Drains every series into arrays, as the query engine's `SeriesDecoding` does.
@inline(never)
func drainSeries(_ series: [Series], repeat count: Int) -> (samples: Int, checksum: UInt64) {
    drainAll(series, repeat: count)
}

@inline(never)
func drainAll(_ series: [Series], repeat count: Int) -> (samples: Int, checksum: UInt64) {
    var n = 0
    var sum: Int64 = 0
    var acc: UInt64 = 0
    for _ in 0..<count {
        for s in series {
            var it = s.makeIterator()
            var ts: [Int64] = [], vs: [Double] = [], sts: [Int64] = []
            it.drain(timestamps: &ts, values: &vs, starts: &sts)
            precondition(it.error == nil, "\(it.error!)")
            n += ts.count
            sum &+= ts[ts.count - 1]
            acc ^= vs[vs.count / 2].bitPattern
        }
    }
    return (n, UInt64(bitPattern: sum) ^ acc)
}

let args = Array(CommandLine.arguments.dropFirst())
func arg(_ i: Int, _ fallback: Int) -> Int { i < args.count ? Int(args[i]) ?? fallback : fallback }
let clock = ContinuousClock()

switch args.first {
case "append", "append-labels":
    let batches = arg(1, 1_000)
    let batch = arg(2, 1_000)
    let f = Fixture()
    try f.open("profile", sync: .never, hosts: 250, rounds: 64)
    defer { f.close() }
    let byLabels = args[0] == "append-labels"
    let d = try clock.measure {
        for _ in 0..<batches {
            if byLabels { try f.appendBatchByLabels(batch) } else { try f.appendBatch(batch) }
        }
    }
    report("\(args[0]) batch \(batch)", samples: batches * batch, d)
case "iterate":
    let compact = args.count > 1 && args[1] == "block"
    let hosts = arg(2, 25)
    let rounds = arg(3, 719)
    let count = arg(4, 1)
    let f = Fixture()
    try f.openFilled("profile", hosts: hosts, rounds: rounds, compact: compact)
    defer { f.close() }
    var result = (samples: 0, checksum: UInt64(0))
    let d = try clock.measure { result = try runQueries(f.db, repeat: count) }
    report("select+iterate {job=\"node\"} \(compact ? "block" : "head") ×\(count) (checksum \(result.checksum))", samples: result.samples, d)
case "decode":
    // The chunks as the head cuts them (XOR), then as a block stores them (each in its
    // smallest codec), each decoded sample by sample and a chunk at a time.
    let (xorChunks, _) = buildChunks(hosts: arg(1, 25), rounds: arg(2, 719))
    let count = arg(3, 1)
    let only = args.count > 4 ? args[4] : "both"  // xor | block | both
    var sets: [(String, [[UInt8]])] = []
    if only != "block" { sets.append(("head (XOR)", xorChunks)) }
    if only != "xor" { sets.append(("block (smallest codec)", xorChunks.map(ChunkBuilder.recodeSmallest))) }
    for (name, chunks) in sets {
        let bytes = chunks.reduce(0) { $0 + $1.count }
        let samples = chunks.reduce(0) { $0 + ((try? ChunkIterator($1).count) ?? 0) }
        let decimal = chunks.filter { $0.first == ChunkEncoding.decimalPacked.rawValue }.count
        print("\(name): \(chunks.count) chunks (\(decimal) decimal), \(bytes) bytes, \(format3(Double(bytes) / Double(samples))) bytes/sample before LZ4")
        measureDecode("  ChunkIterator.next() ×\(count)") { decodeAll(chunks, repeat: count) }
        measureDecode("  SampleBuffer.append(remainingOf:) ×\(count)") { decodeBatches(chunks, repeat: count) }
    }
case "codec":
    let tsbs = args.count > 1 && args[1] == "tsbs"
    let integers = args.count > 1 && (args[1] == "int" || tsbs)
    let smallest = args.count > 2 && args[2] == "smallest"
    let perChunk = arg(3, 120)
    let data = cpuSeries(series: arg(4, 1_000), samples: perChunk, integers: integers, tsbs: tsbs, jitter: arg(6, 0))
    let count = arg(5, 1)
    let chunks = data.map { s in
        smallest ? try! ChunkBuilder.encodeSmallest(timestamps: s.ts, values: s.vs) : try! ChunkBuilder.encode(timestamps: s.ts, values: s.vs)
    }
    let bytes = chunks.reduce(0) { $0 + $1.count }
    let decimal = chunks.filter { $0.first == ChunkEncoding.decimalPacked.rawValue }.count
    let rice = chunks.filter { $0.first == ChunkEncoding.decimalRice.rawValue }.count
    print("\(tsbs ? "tsbs integer" : integers ? "integer" : "float") walk\(arg(6, 0) > 0 ? ", timestamps ± \(arg(6, 0)) ms" : ""): \(chunks.count) chunks × \(perChunk) (\(decimal) decimal, \(rice) decimal-rice), \(format3(Double(bytes) / Double(chunks.count * perChunk))) bytes/sample")
    measureDecode("  ChunkIterator.next() ×\(count)") { codecNext(chunks, repeat: count) }
    measureDecode("  ChunkIterator.decode(timestamps:values:) ×\(count)") { codecBulk(chunks, capacity: perChunk, repeat: count) }
    measureDecode("  SampleBuffer.append(chunk:) ×\(count)") { codecBuffer(chunks, repeat: count) }
case "drain":
    let integers = args.count > 1 && args[1] == "int"
    let data = cpuSeries(series: arg(2, 100), samples: arg(3, 8_640), integers: integers)
    let count = arg(4, 1)
    var template = Array((FileManager.default.temporaryDirectory.path + "/tidemark-profile-drain-XXXXXX").utf8CString)
    let directory = String(cString: mkdtemp(&template)!)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var options = DBOptions()
    options.backgroundCompaction = false
    let db = try DB.open(directory, options: options)
    let mint = data.map { $0.ts[0] }.min()!
    let maxt = data.map { $0.ts[$0.ts.count - 1] }.max()!
    // A block lists its series sorted by labels.
    let labelled = data.enumerated().map { i, s in (labels: Labels(["__name__": "cpu", "series": String(i)]), timestamps: s.ts, values: s.vs) }
    _ = try db.writeBlock(minTime: mint, maxTime: maxt + 1, series: labelled.sorted { $0.labels < $1.labels })
    let selected = try db.querier().select([.equal("__name__", "cpu")], mint: .min, maxt: .max)
    print("\(integers ? "integer" : "float") walk: \(selected.count) series × \(arg(3, 8_640)) samples in one block")
    measureDecode("  SeriesIterator.drain, pages read from the files") { drainCold(selected) }
    measureDecode("  SeriesIterator.drain ×\(count), pages cached") { drainSeries(selected, repeat: count) }
    try db.close()
default:
    print("usage: StorageProfile append|append-labels BATCHES [BATCH] | iterate head|block HOSTS ROUNDS [REPEAT] | decode HOSTS ROUNDS [REPEAT] [xor|block|both] | codec float|int|tsbs xor|smallest SAMPLES CHUNKS [REPEAT] [JITTER] | drain float|int SERIES SAMPLES [REPEAT]")
}
