import ArgumentParser
import Dispatch
import Foundation
import TidemarkServer
import TidemarkStorage

/// `tidemark serve`: the Prometheus-compatible HTTP API over a data directory.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Prometheus HTTP API (queries, remote write, import/export, /metrics).",
        discussion: """
            Listens on loopback by default. Prometheus's clients, Grafana's Prometheus data
            source and remote-write senders work against it unchanged:
            /api/v1/query, /api/v1/query_range, /api/v1/series, /api/v1/labels,
            /api/v1/label/NAME/values, /api/v1/write (remote write 1.0), /metrics, …
            Stops cleanly on SIGINT or SIGTERM.

            Examples:
              tidemark serve --data ./data
              tidemark serve --data ./data --listen 127.0.0.1:9091 --query-timeout 30s
              tidemark serve --data ./data --remote-write-url http://127.0.0.1:9090/api/v1/write --remote-write-match '{job="node"}'
              curl 'http://127.0.0.1:9090/api/v1/query?query=up'
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Address to listen on, HOST:PORT (IPv6 as [::1]:PORT).")
    var listen: String = "127.0.0.1:9090"

    @Option(name: .customLong("query-timeout"), help: "Longest a query may run (a duration like 2m).")
    var queryTimeout: String = "2m"

    @Option(name: .customLong("query-max-samples"), help: "Most samples one query may load.")
    var queryMaxSamples: Int = 50_000_000

    @Option(name: .customLong("query-max-concurrency"), help: "Queries evaluated at once; more wait for a slot.")
    var queryMaxConcurrency: Int = 20

    @Option(name: .customLong("query-max-series"), help: "Most series, label names or values a series/labels request returns without a smaller limit (0: no cap).")
    var queryMaxSeries: Int = 0

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted, in bytes.")
    var maxBodyBytes: Int = 32 << 20

    @Option(name: .customLong("remote-write-cache-bytes"), help: "Memory for finding remote-write series by their encoded labels, in bytes (0: off).")
    var remoteWriteCacheBytes: Int = 128 << 20

    @Option(name: .customLong("remote-write-url"), help: "Forward ingested samples to this remote-write receiver (repeatable).")
    var remoteWriteURLs: [String] = []

    @Option(name: .customLong("remote-write-match"), help: "Only forward series matching this selector, like '{job=\"node\"}' (for --remote-write-url).")
    var remoteWriteMatch: String?

    @Option(name: .customLong("remote-write-config"), help: "A YAML file with a Prometheus-style remote_write section (url, match, remote_timeout, queue_config).")
    var remoteWriteConfig: String?

    func validate() throws {
        guard Self.splitListen(listen) != nil else { throw ValidationError("--listen: expected HOST:PORT like 127.0.0.1:9090; got '\(listen)'") }
        guard let t = TimeArgument.parseDuration(queryTimeout), t > 0 else { throw ValidationError("--query-timeout: expected a duration like 2m; got '\(queryTimeout)'") }
        guard queryMaxSamples > 0 else { throw ValidationError("--query-max-samples must be positive") }
        guard queryMaxConcurrency > 0 else { throw ValidationError("--query-max-concurrency must be positive") }
        guard queryMaxSeries >= 0 else { throw ValidationError("--query-max-series must not be negative") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        guard remoteWriteCacheBytes >= 0 else { throw ValidationError("--remote-write-cache-bytes must not be negative") }
    }

    /// `host:port` or `[v6]:port`.
    static func splitListen(_ s: String) -> (host: String, port: Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    func run() throws {
        MallocTuning.apply()
        let db = try dataOptions.open(background: true)
        defer { try? db.close() }
        var options = ServerOptions()
        (options.host, options.port) = Self.splitListen(listen)!
        options.queryTimeoutSeconds = Double(TimeArgument.parseDuration(queryTimeout)!) / 1000
        options.maxSamples = queryMaxSamples
        options.maxConcurrentQueries = queryMaxConcurrency
        options.maxBodyBytes = maxBodyBytes
        options.maxSeriesReturned = queryMaxSeries
        options.remoteWriteCacheBytes = remoteWriteCacheBytes
        options.flags = [
            "storage.tsdb.path": dataOptions.data, "web.listen-address": listen, "query.timeout": queryTimeout,
            "query.max-samples": String(queryMaxSamples), "query.max-concurrency": String(queryMaxConcurrency),
            "wal-sync": dataOptions.walSync,
        ]
        let api = TidemarkAPI(db: db, options: options)
        var senderOptions: [RemoteWriteSenderOptions] = []
        if let file = remoteWriteConfig {
            do { senderOptions = try RemoteWriteConfigFile.parse(String(contentsOfFile: file, encoding: .utf8)) } catch {
                throw ValidationError("--remote-write-config \(file): \(error)")
            }
        }
        for url in remoteWriteURLs {
            var o = RemoteWriteSenderOptions(url: url)
            if let m = remoteWriteMatch {
                do { o.matchers = try RemoteWriteConfigFile.selector(m, "--remote-write-match") } catch { throw ValidationError("\(error)") }
            }
            senderOptions.append(o)
        }
        var senders: [RemoteWriteSender] = []
        for o in senderOptions {
            let s = try RemoteWriteSender(dataDirectory: dataOptions.data, options: o, metrics: api.metrics)
            try s.start()
            senders.append(s)
        }
        defer { for s in senders { s.stop() } }
        let server = TidemarkHTTPServer(api: api)
        let host = options.host, data = dataOptions.data
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<Error?>(nil)
        Task {
            do {
                try await server.run { port in
                    Terminal.writeStderr("tidemark: listening on \(host):\(port), data in \(data)\n")
                }
            } catch {
                failure.set(error)
            }
            done.signal()
        }
        done.wait()
        if let e = failure.get() { throw CLIError("server failed: \(e)") }
    }
}

/// A value shared between the blocking main thread and the server task.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}
