import Foundation
import Testing

/// Runs a command inside a pseudo-terminal made by util-linux `script`, so the child
/// sees a terminal on stdin and stdout; the test types into it and reads the screen
/// output. Every wait is bounded.
final class PseudoTerminal: @unchecked Sendable {
    static let scriptPath = "/usr/bin/script"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: scriptPath) }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var received = Data()

    /// Starts `arguments` (the first is the executable) with `environment` added.
    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: Self.scriptPath)
        // `exec`: the shell that `script` starts (dash when SHELL is unset, as in CI) must not
        // stay between; Ctrl-C would kill it and `script -e` would report its 130.
        let command = "exec " + arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // -q: no banner; -e: exit with the child's status; -c: the command; /dev/null: no typescript file.
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.received.append(data) }
        }
        try process.run()
    }

    /// Everything the terminal showed so far (escape sequences included).
    var screen: String { lock.withLock { String(decoding: received, as: UTF8.self) } }

    /// Types `keys` (use "\r" for Enter, "\t" for Tab, "\u{03}" for Ctrl-C, "\u{04}" for Ctrl-D).
    func type(_ keys: String) {
        input.fileHandleForWriting.write(Data(keys.utf8))
    }

    /// Waits until the output after `offset` contains `text`; returns the offset just past
    /// it, or nil after `timeout` seconds.
    @discardableResult
    func waitFor(_ text: String, after offset: String.Index? = nil, timeout: Double = 15) -> String.Index? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let s = screen
            let from = offset.map { min($0, s.endIndex) } ?? s.startIndex
            if let r = s.range(of: text, range: from..<s.endIndex) { return r.upperBound }
            usleep(20_000)
        }
        return nil
    }

    /// `waitFor`, recording a test issue (with the screen so far) when `text` never shows.
    @discardableResult
    func expect(_ text: String, after offset: String.Index? = nil, timeout: Double = 15,
                sourceLocation: SourceLocation = #_sourceLocation) -> String.Index? {
        let found = waitFor(text, after: offset, timeout: timeout)
        if found == nil { Issue.record("never showed \(text.debugDescription); screen:\n\(screen)", sourceLocation: sourceLocation) }
        return found
    }

    /// The exit status, or nil if the process is still running after `timeout` seconds
    /// (it is then killed).
    func waitForExit(timeout: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
