import TidemarkStorage

/// A deterministic data set for `tidemark bench`: a fixed list of series and a stream of
/// their samples in time order (round by round). The same parameters and seed give the
/// same samples on any machine.
public protocol BenchWorkload: Sendable {
    /// Short name (`cpu-only`, `node`, `high-cardinality`).
    var name: String { get }
    /// Labels of series `i`.
    var labels: [Labels] { get }
    /// Samples the stream yields.
    var sampleCount: Int { get }
    /// First and last sample time (ms).
    var firstTime: Int64 { get }
    var lastTime: Int64 { get }
    /// The samples, time-major.
    func makeSamples() -> AnyIterator<WorkloadSample>
}

extension NodeWorkload: BenchWorkload {
    public var name: String { "node" }
    public var labels: [Labels] { series.map(\.labels) }
    public var firstTime: Int64 { configuration.start }
    /// An upper bound: hosts are scraped with a phase of up to one interval.
    public var lastTime: Int64 { configuration.start + Int64(configuration.scrapes) * configuration.interval }
    public func makeSamples() -> AnyIterator<WorkloadSample> { AnyIterator(makeIterator()) }
}

/// Series scraped together every `interval` ms, each value from a per-series generator
/// (`RoundWorkload` conformers give the labels and the step).
struct RoundStream: IteratorProtocol {
    let seriesCount: Int
    let rounds: Int
    let start: Int64
    let interval: Int64
    var step: (_ series: Int, _ round: Int) -> Double
    var series = 0
    var round = 0

    mutating func next() -> WorkloadSample? {
        guard round < rounds, seriesCount > 0 else { return nil }
        let s = WorkloadSample(series: series, timestamp: start + Int64(round) * interval, value: step(series, round))
        series += 1
        if series == seriesCount {
            series = 0
            round += 1
        }
        return s
    }
}
