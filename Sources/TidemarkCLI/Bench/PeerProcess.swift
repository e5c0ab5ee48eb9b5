import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server `tidemark bench --compare` runs next to itself (Prometheus, VictoriaMetrics,
/// `tidemark serve`): always on 127.0.0.1, output in a log file, stopped with SIGTERM
/// then SIGKILL.
final class PeerProcess {
    let name: String
    let port: Int
    let log: String
    private let process: Process

    /// Starts `path args`, output appended to `log`.
    init(name: String, path: String, args: [String], port: Int, log: String) throws {
        self.name = name
        self.port = port
        self.log = log
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw CLIError("cannot start \(name) (\(path)): \(error)") }
        process = p
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Polls `path` (e.g. `/-/ready`, `/health`) until it answers 200, for at most
    /// `timeout` seconds; an early exit or the timeout is an error quoting the log.
    func waitReady(_ path: String, timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw CLIError("\(name) exited with status \(process.terminationStatus) before it was ready:\n\(tail())")
            }
            if let r = try? PromQLHTTPClient.get(baseURL + path, timeout: 2), r.status == 200 { return }
            usleep(100_000)
        }
        throw CLIError("\(name) was not ready on \(baseURL)\(path) within \(Int(timeout)) s:\n\(tail())")
    }

    /// SIGTERM, then SIGKILL after 10 s.
    func stop() { Self.stop(process) }

    /// `tidemark serve` (this same executable) on a free 127.0.0.1 port over `data`, WAL
    /// sync `never` and no retention (as the embedded bench ingest), ready to answer.
    static func tidemarkServe(data: String, log: String, extraArgs: [String] = []) throws -> PeerProcess {
        let port = try freePort()
        let p = try PeerProcess(name: "tidemark serve", path: try ownExecutable(),
                                args: ["serve", "--data", data, "--listen", "127.0.0.1:\(port)", "--wal-sync", "never", "--retention.time", "0"] + extraArgs,
                                port: port, log: log)
        try p.waitReady("/-/ready")
        return p
    }

    /// CPU seconds (user + system) the process has used so far, from `/proc/PID/stat`
    /// (0 when it cannot be read).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The process's peak resident set size (`VmHWM` of `/proc/PID/status`), 0 when unknown.
    func peakRSSBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }

    /// SIGTERM to `p`, then SIGKILL if it has not exited within 10 s.
    static func stop(_ p: Process) {
        guard p.isRunning else { return }
        p.terminate()
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    deinit { stop() }

    /// The last lines of the log.
    func tail(_ lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// The absolute path of a program from its Debian package, or a clear error naming the package.
    static func program(_ name: String, package: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"]
        for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        throw CLIError("--compare needs '\(name)', which is not installed: apt-get install \(package)")
    }

    /// This program's own executable (for `tidemark serve` as a child).
    static func ownExecutable() throws -> String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        let arg0 = CommandLine.arguments[0]
        if arg0.contains("/") { return URL(fileURLWithPath: arg0).standardizedFileURL.path }
        return try program(arg0, package: "tidemark")
    }

    /// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError("socket: errno \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw CLIError("bind/getsockname on 127.0.0.1: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Runs a program to completion; an exit status other than 0 is an error with its output.
    static func run(_ path: String, _ args: [String]) throws {
        let (status, output) = try output(path, args)
        guard status == 0 else {
            throw CLIError("\(path) \(args.joined(separator: " ")) failed (status \(status)):\n\(output.suffix(4000))")
        }
    }

    /// Runs a program to completion; its exit status and output (stdout and stderr).
    static func output(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Bytes of the regular files under `path` (what `du` counts, at file size).
    static func diskBytes(_ path: String) -> Int {
        guard let e = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let rel = e.nextObject() as? String {
            let attrs = try? FileManager.default.attributesOfItem(atPath: path + "/" + rel)
            if attrs?[.type] as? FileAttributeType == .typeRegular { total += (attrs?[.size] as? Int) ?? 0 }
        }
        return total
    }
}
