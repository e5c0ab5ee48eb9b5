import Foundation
import Logging
import TidemarkRemoteWrite
import TidemarkStorage

/// Forwards what the database ingests to a remote-write receiver, read back from the
/// WAL so nothing is lost across restarts: the position reached (segment, offset) is
/// saved only after the receiver accepted everything before it, and a restarted sender
/// continues from there (at-least-once; receivers accept an identical repeated sample).
///
/// One thread follows the WAL: series records feed a map from series id to labels
/// (only series matching the filter are kept), sample records are batched (`batchSize`
/// samples, or whatever arrived within `flushIntervalSeconds`). Answers 5xx and 429 and
/// connection errors are retried with exponential backoff; other 4xx drop the batch.
/// If a checkpoint removed segments the sender had not read yet (it fell behind by a
/// whole block range), it continues after them and counts what it skipped.
public final class RemoteWriteSender: @unchecked Sendable {
    public let options: RemoteWriteSenderOptions
    private let tail: WALTail
    private let positionFile: String
    private let client: RemoteWriteClient
    private let metrics: ServerMetrics
    private let logger: Logger
    private let lock = NSLock()
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    /// State of the follower thread only.
    private var series: [UInt64: Labels?] = [:]
    private var position = WALTail.Position(segment: 0, offset: 0)

    /// A sender for the database in `dataDirectory` (not started).
    public init(dataDirectory: String, options: RemoteWriteSenderOptions, metrics: ServerMetrics) throws {
        guard let url = URL(string: options.url), url.scheme == "http" || url.scheme == "https" else {
            throw RemoteWriteSenderError("remote-write URL must be http:// or https://, got \(options.url)")
        }
        self.options = options
        tail = WALTail(dataDirectory: dataDirectory)
        let dir = dataDirectory + "/remote-write"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        positionFile = dir + "/" + options.name + ".position"
        client = RemoteWriteClient(url: url, timeout: options.requestTimeoutSeconds)
        self.metrics = metrics
        logger = Logger(label: "tidemark.remote-write.\(options.name)")
    }

    /// Fixes the starting position (the saved one, or the WAL's current end for a new
    /// sender, so everything ingested after `start` returns is sent), then starts the
    /// follower thread.
    public func start() throws {
        if let saved = Self.load(positionFile) {
            position = saved
        } else {
            let last = try tail.segments().last ?? 0
            position = .init(segment: last, offset: last == 0 ? 0 : try tail.read(from: .init(segment: last, offset: 0)).end)
        }
        let t = Thread { [self] in
            run()
            finished.signal()
        }
        t.name = "remote-write-\(options.name)"
        thread = t
        t.start()
    }

    /// Stops after the current attempt; unsent samples are sent by the next start.
    public func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
        if thread != nil { finished.wait() }
        thread = nil
    }

    /// The saved position (what the receiver has acknowledged), for tests and status.
    public var savedPosition: WALTail.Position? { Self.load(positionFile) }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func run() {
        do {
            try prepare()
            try follow()
        } catch {
            logger.error("remote-write sender \(options.name) stopped: \(error)")
        }
    }

    /// Learns every series in the checkpoint and in the segments up to the start.
    private func prepare() throws {
        if let cp = try tail.checkpoint() { learn(try tail.readCheckpoint(cp)) }
        for s in try tail.segments() where s <= position.segment {
            learn(try tail.read(from: .init(segment: s, offset: 0)).records)
        }
    }

    /// Adds the series records among `records` to the series map.
    private func learn(_ records: [WALRecord]) {
        for case .series(let list) in records {
            for s in list { series[s.id] = options.matchers.allSatisfy { $0.matches(s.labels[$0.name] ?? "") } ? s.labels : nil }
        }
    }

    private func follow() throws {
        var pending: [UInt64: [WriteRequest.Sample]] = [:]
        var pendingCount = 0
        var lastFlush = Date()
        while !isStopping {
            let segments = try tail.segments()
            if !segments.contains(position.segment) {
                guard let next = segments.first(where: { $0 > position.segment }) else {
                    Thread.sleep(forTimeInterval: options.pollIntervalSeconds)
                    continue
                }
                if let cp = try tail.checkpoint() { learn(try tail.readCheckpoint(cp)) }
                logger.warning("remote-write sender \(options.name): segments before \(next) were removed before they were sent")
                position = .init(segment: next, offset: 0)
                continue
            }
            let read: (records: [WALRecord], end: Int)
            do { read = try tail.read(from: position) } catch { continue }  // removed meanwhile: handled above
            for record in read.records {
                switch record {
                case .series:
                    learn([record])
                case .samples(let list):
                    for s in list where series[s.id] != nil && series[s.id]! != nil {
                        pending[s.id, default: []].append(.init(value: s.v, timestamp: s.t))
                        pendingCount += 1
                    }
                }
            }
            let progressed = read.end > position.offset
            position.offset = read.end
            if pendingCount >= options.batchSize || (pendingCount > 0 && Date().timeIntervalSince(lastFlush) >= options.flushIntervalSeconds) {
                guard flush(pending) else { return }
                pending = [:]
                pendingCount = 0
                lastFlush = Date()
                Self.save(position, to: positionFile)
            } else if pendingCount == 0 && progressed {
                Self.save(position, to: positionFile)
            }
            if !progressed {
                if segments.last.map({ $0 > position.segment }) == true {
                    position = .init(segment: position.segment + 1, offset: 0)
                } else {
                    Thread.sleep(forTimeInterval: options.pollIntervalSeconds)
                }
            }
        }
    }

    /// Sends `pending` in requests of at most `batchSize` samples; false when stopping.
    private func flush(_ pending: [UInt64: [WriteRequest.Sample]]) -> Bool {
        var batch: [WriteRequest.TimeSeries] = []
        var count = 0
        for (id, samples) in pending.sorted(by: { $0.key < $1.key }) {
            guard let labels = series[id] ?? nil else { continue }
            batch.append(.init(labels: labels.map { .init($0.name, $0.value) }, samples: samples))
            count += samples.count
            if count >= options.batchSize {
                guard send(batch, count) else { return false }
                batch = []
                count = 0
            }
        }
        return batch.isEmpty || send(batch, count)
    }

    /// Sends one request until it is accepted or dropped; false when stopping.
    private func send(_ batch: [WriteRequest.TimeSeries], _ count: Int) -> Bool {
        var backoff = options.minBackoffSeconds
        while true {
            switch client.send(WriteRequest(timeseries: batch)) {
            case .sent:
                metrics.remoteWriteSentSamples.increment(by: count)
                return true
            case .drop(let why):
                metrics.remoteWriteDroppedSamples.increment(by: count)
                logger.error("remote-write sender \(options.name): dropped \(count) samples: \(why)")
                return true
            case .retry(let why):
                metrics.remoteWriteRetries.increment()
                logger.warning("remote-write sender \(options.name): retrying in \(backoff)s: \(why)")
                if isStopping { return false }
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, options.maxBackoffSeconds)
            }
        }
    }

    /// `segment offset` in a small text file, replaced atomically.
    static func save(_ p: WALTail.Position, to path: String) {
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data("\(p.segment) \(p.offset)\n".utf8)) else { return }
        _ = rename(tmp, path)
    }

    static func load(_ path: String) -> WALTail.Position? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        return parts.count == 2 ? .init(segment: parts[0], offset: parts[1]) : nil
    }
}

/// A misconfigured sender.
public struct RemoteWriteSenderError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ d: String) { description = d }
}
