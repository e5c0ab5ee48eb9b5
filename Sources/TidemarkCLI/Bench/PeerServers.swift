import Foundation

/// The peers `tidemark bench` starts next to Tidemark, each on a free 127.0.0.1 port and
/// ready to answer when returned.
extension PeerProcess {
    /// `prometheus` over the TSDB in `dir`: no scrapes (an empty config beside `dir`),
    /// retention 100 years, plus `extraArgs` (e.g. `--web.enable-remote-write-receiver`).
    static func prometheus(_ program: String, dir: String, log: String, extraArgs: [String] = []) throws -> PeerProcess {
        let config = dir + ".yml"
        try "global:\n  scrape_interval: 1m\nscrape_configs: []\n".write(toFile: config, atomically: true, encoding: .utf8)
        let port = try freePort()
        let p = try PeerProcess(name: "prometheus", path: program, args: [
            "--storage.tsdb.path=" + dir, "--web.listen-address=127.0.0.1:\(port)", "--config.file=" + config,
            "--storage.tsdb.retention.time=100y", "--log.level=warn",
        ] + extraArgs, port: port, log: log)
        try p.waitReady("/-/ready")
        return p
    }

    /// `victoria-metrics` with its data in `dir`: no rollup cache (repeated queries would
    /// measure the cache) and no latency offset (the data ends less than 30 s ago).
    static func victoriaMetrics(_ program: String, dir: String, log: String) throws -> PeerProcess {
        let port = try freePort()
        let vm = try PeerProcess(name: "victoria-metrics", path: program, args: [
            "-storageDataPath=" + dir, "-httpListenAddr=127.0.0.1:\(port)", "-retentionPeriod=100y",
            "-search.disableCache", "-search.latencyOffset=0s", "-loggerLevel=WARN",
        ], port: port, log: log)
        try vm.waitReady("/health")
        return vm
    }

    /// VictoriaMetrics' `/internal/force_flush`: what it buffered becomes searchable.
    func forceFlush() throws {
        let f = try PromQLHTTPClient.get(baseURL + "/internal/force_flush")
        guard f.status / 100 == 2 else { throw CLIError("\(name) force_flush: HTTP \(f.status)") }
    }
}
