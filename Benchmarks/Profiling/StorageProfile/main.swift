#if canImport(Glibc)
import Glibc
#endif
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
//
// Under callgrind, isolate the measured part with --toggle-collect:
//   append: '*appendBatch*'   iterate: '*drain*' (decode only) or '*runQueries*'
//   decode: '*decodeAll*' (next()) or '*decodeBatches*' (SampleBuffer)

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
default:
    print("usage: StorageProfile append|append-labels BATCHES [BATCH] | iterate head|block HOSTS ROUNDS [REPEAT] | decode HOSTS ROUNDS [REPEAT] [xor|block|both]")
}
