#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TidemarkStorage

extension NodeWorkload {
    /// Writes every sample as OpenMetrics text, in the order OpenMetrics requires and
    /// `promtool tsdb create-blocks-from openmetrics` accepts, handing `sink` chunks of
    /// about 1 MiB:
    ///
    /// - family-major: each family's `# TYPE`, `# UNIT` (when it has one) and `# HELP`,
    ///   then all its lines, so a family is never interleaved with another;
    /// - within a family, host by host; for gauges and counters, series by series,
    ///   each series' samples in time order; for the histogram, one scrape at a time
    ///   (its buckets, `_count`, `_sum`: one OpenMetrics MetricPoint), so every series
    ///   is still in time order;
    /// - timestamps in seconds with millisecond fractions; `# EOF` at the end.
    ///
    /// Values equal the time-major stream's exactly (each host's model group is
    /// replayed from its own seed). Memory: one host-family's values at a time.
    public func writeOpenMetrics(_ sink: ([UInt8]) throws -> Void) rethrows {
        var writer = ExpositionWriter(format: .openMetrics, reserveCapacity: 1 << 21)
        let scrapes = configuration.scrapes
        let interval = Double(configuration.interval) / 1000
        var hostValues = [Double](repeating: 0, count: NodeWorkload.seriesPerHost)
        for (f, family) in families.enumerated() {
            writer.writeType(family: family.name, family.type)
            if let unit = family.unit { writer.writeUnit(family: family.name, unit) }
            writer.writeHelp(family: family.name, family.help)
            let width = family.slots.count
            var values = [Double](repeating: 0, count: width * scrapes)   // [slot][scrape]
            var times = [Int64](repeating: 0, count: scrapes)
            for t in traits {
                var model = HostModel(traits: t, seed: configuration.seed, intervalSeconds: interval, only: family.group)
                for k in 0..<scrapes {
                    hostValues.withUnsafeMutableBufferPointer { model.step($0.baseAddress!) }
                    for j in 0..<width { values[j * scrapes + k] = hostValues[family.slots.lowerBound + j] }
                    times[k] = timestamp(host: t.host, scrape: k)
                }
                let first = t.host * NodeWorkload.seriesPerHost + family.slots.lowerBound
                let texts = (0..<width).map { ExpositionWriter.seriesText(series[first + $0].labels) }
                precondition(series[first].family == f)
                if family.type == .histogram {
                    for k in 0..<scrapes {
                        for j in 0..<width { writer.write(seriesText: texts[j], timestamp: times[k], value: values[j * scrapes + k]) }
                    }
                } else {
                    for j in 0..<width {
                        for k in 0..<scrapes { writer.write(seriesText: texts[j], timestamp: times[k], value: values[j * scrapes + k]) }
                    }
                }
                if writer.output.count >= 1 << 20 { try sink(writer.takeOutput()) }
            }
        }
        writer.finish()
        try sink(writer.takeOutput())
    }

    /// Writes `writeOpenMetrics` output to a new file at `path` (replacing it); returns
    /// the number of bytes written.
    @discardableResult
    public func writeOpenMetrics(toFile path: String) throws(WorkloadFileError) -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WorkloadFileError(operation: "open", path: path, errno: errno) }
        var written = 0
        var failure: WorkloadFileError?
        writeOpenMetrics { chunk in
            guard failure == nil else { return }
            chunk.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = WorkloadFileError(operation: "write", path: path, errno: errno)
                        return
                    }
                    done += n
                }
                written += done
            }
        }
        if close(fd) != 0, failure == nil { failure = WorkloadFileError(operation: "close", path: path, errno: errno) }
        if let failure { throw failure }
        return written
    }
}

/// A file operation of the workload writer failed.
public struct WorkloadFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Int32

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }
}
