import Foundation
import TidemarkQuery
import TidemarkStorage
import Yams

/// Remote-write senders from a YAML file, in the shape of Prometheus's `remote_write`
/// section (so an existing one can be pasted), plus Tidemark's `match` selector:
///
/// ```yaml
/// remote_write:
///   - url: http://127.0.0.1:9090/api/v1/write
///     name: prometheus            # optional; names the position file
///     match: '{job="node"}'       # optional; only matching series are sent
///     remote_timeout: 30s
///     queue_config:
///       max_samples_per_send: 5000
///       batch_send_deadline: 1s
///       min_backoff: 30ms
///       max_backoff: 5s
/// ```
/// Unknown keys are an error, so a Prometheus option Tidemark does not implement
/// (`write_relabel_configs`, `basic_auth`, …) is reported rather than ignored.
public enum RemoteWriteConfigFile {
    struct File: Decodable {
        var remote_write: [Entry]?
    }

    struct Entry: Decodable {
        var url: String
        var name: String?
        var match: String?
        var remote_timeout: String?
        var queue_config: Queue?

        enum CodingKeys: String, CodingKey, CaseIterable { case url, name, match, remote_timeout, queue_config }
    }

    struct Queue: Decodable {
        var max_samples_per_send: Int?
        var batch_send_deadline: String?
        var min_backoff: String?
        var max_backoff: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case max_samples_per_send, batch_send_deadline, min_backoff, max_backoff }
    }

    /// The senders' options described by `yaml`.
    public static func parse(_ yaml: String) throws -> [RemoteWriteSenderOptions] {
        try rejectUnknownKeys(yaml)
        let file = try YAMLDecoder().decode(File.self, from: yaml)
        return try (file.remote_write ?? []).enumerated().map { i, e in
            let at = "remote_write[\(i)]"
            var o = RemoteWriteSenderOptions(url: e.url, name: e.name)
            if let m = e.match { o.matchers = try selector(m, at + ".match") }
            if let t = e.remote_timeout { o.requestTimeoutSeconds = try seconds(t, at + ".remote_timeout") }
            if let q = e.queue_config {
                if let n = q.max_samples_per_send {
                    guard n > 0 else { throw ConfigError("\(at).queue_config.max_samples_per_send must be positive") }
                    o.batchSize = n
                }
                if let d = q.batch_send_deadline { o.flushIntervalSeconds = try seconds(d, at + ".queue_config.batch_send_deadline") }
                if let d = q.min_backoff { o.minBackoffSeconds = try seconds(d, at + ".queue_config.min_backoff") }
                if let d = q.max_backoff { o.maxBackoffSeconds = try seconds(d, at + ".queue_config.max_backoff") }
            }
            return o
        }
    }

    /// A PromQL series selector as label matchers.
    public static func selector(_ text: String, _ field: String) throws -> [LabelMatcher] {
        guard case .vectorSelector(let vs)? = try? PromQL.parse(text) else {
            throw ConfigError("\(field): expected a series selector like {job=\"node\"}, got \(text)")
        }
        return vs.matchers
    }

    static func seconds(_ text: String, _ field: String) throws -> Double {
        guard let ms = TimeParams.parsePrometheusDuration(text) else { throw ConfigError("\(field): expected a duration like 30s, got \(text)") }
        return Double(ms) / 1000
    }

    /// Names every key the file uses that Tidemark does not know.
    static func rejectUnknownKeys(_ yaml: String) throws {
        guard let root = try Yams.load(yaml: yaml) as? [String: Any] else { return }
        for key in root.keys where key != "remote_write" { throw ConfigError("unknown key \(key) (only remote_write is read)") }
        for (i, entry) in ((root["remote_write"] as? [[String: Any]]) ?? []).enumerated() {
            let known = Set(Entry.CodingKeys.allCases.map(\.rawValue))
            for key in entry.keys where !known.contains(key) { throw ConfigError("remote_write[\(i)]: unsupported key \(key)") }
            let queueKnown = Set(Queue.CodingKeys.allCases.map(\.rawValue))
            for key in (entry["queue_config"] as? [String: Any])?.keys ?? [:].keys where !queueKnown.contains(key) {
                throw ConfigError("remote_write[\(i)].queue_config: unsupported key \(key)")
            }
        }
    }

    /// A configuration file that cannot be used.
    public struct ConfigError: Error, CustomStringConvertible, Sendable {
        public var description: String
        init(_ d: String) { description = d }
    }
}
