import Foundation
@testable import TidemarkCLI
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Child processes and loopback HTTP for the integration tests with real Prometheus.
enum Peers {
    /// A Debian program the test needs (`prometheus`, `promtool`); a missing one fails
    /// the test loudly (CI installs them through `.ci/run`).
    static func program(_ name: String, package: String = "prometheus") throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        throw HarnessError("\(name) is not installed: `apt-get install \(package)` (.ci/run does) — this test needs the real program")
    }

    /// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
    static func freePort() throws -> Int { try PeerProcess.freePort() }

    /// Starts a program with its output in `log`.
    static func start(_ path: String, _ args: [String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        FileManager.default.createFile(atPath: log, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// SIGTERM, then SIGKILL if it has not exited within 10 s.
    static func stop(_ p: Process) { PeerProcess.stop(p) }

    /// GET (or POST `body` to) `url`; status and body (status 0 when the connection failed).
    static func get(_ url: String, post body: Data? = nil) async -> (status: Int, body: Data) {
        var r = URLRequest(url: URL(string: url)!)
        r.timeoutInterval = 10
        if let body {
            r.httpMethod = "POST"
            r.httpBody = body
        }
        guard let (data, resp) = try? await URLSession.shared.data(for: r) else { return (0, Data()) }
        return ((resp as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Runs a program to completion; exit status and output.
    static func run(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
        try PeerProcess.output(path, args)
    }
}
