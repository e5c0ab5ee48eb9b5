#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to the terminal: stdout for results, stderr for warnings and progress.
enum Terminal {
    static var stderrIsTTY: Bool { isatty(2) != 0 }

    static func warn(_ message: String) {
        writeStderr("tidemark: \(message)\n")
    }

    /// Writes straight to file descriptor 2 (unbuffered, no shared C stream state).
    static func writeStderr(_ s: String) {
        var s = s
        s.withUTF8 { u in _ = write(2, u.baseAddress, u.count) }
    }

    /// Rewrites the current stderr line (only on a terminal).
    static func progress(_ message: String) {
        guard stderrIsTTY else { return }
        writeStderr("\r\u{1B}[K" + message)
    }

    static func endProgress() {
        guard stderrIsTTY else { return }
        writeStderr("\r\u{1B}[K")
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// `1234567` → `1.23M`.
    static func human(_ n: Double) -> String {
        let a = abs(n)
        if a >= 1e9 { return fmt(n / 1e9) + "G" }
        if a >= 1e6 { return fmt(n / 1e6) + "M" }
        if a >= 1e3 { return fmt(n / 1e3) + "k" }
        return fmt(n)
    }

    static func bytes(_ n: Int) -> String {
        let d = Double(n)
        if d >= 1_073_741_824 { return fmt(d / 1_073_741_824) + " GiB" }
        if d >= 1_048_576 { return fmt(d / 1_048_576) + " MiB" }
        if d >= 1024 { return fmt(d / 1024) + " KiB" }
        return "\(n) B"
    }

    /// Two decimals (or `decimals`; none: an integer without `.0`), no Foundation formatting.
    static func fmt(_ x: Double, decimals: Int = 2) -> String {
        guard x.isFinite else { return "\(x)" }
        var p = 1.0
        for _ in 0..<decimals { p *= 10 }
        let r = (x * p).rounded() / p
        if decimals == 0, abs(r) < 9e15 { return "\(Int(r))" }
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let frac = s[s.index(after: dot)...]
            if frac.count < decimals { s += String(repeating: "0", count: decimals - frac.count) }
        } else if decimals > 0 {
            s += "." + String(repeating: "0", count: decimals)
        }
        return s
    }
}

extension Terminal {
    /// Whether standard input is a terminal (interactive use) rather than a pipe or file.
    static var stdinIsTTY: Bool { isatty(0) != 0 }

    static var stdoutIsTTY: Bool { isatty(1) != 0 }

    /// Columns of the terminal on stdout; `COLUMNS` when set; else 120 (pipes, files).
    static var width: Int {
        if let c = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), c > 0 { return c }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 120
    }

    /// ANSI colours on: stdout is a terminal, `TERM` is not `dumb`, `NO_COLOR` is unset.
    static var colors: Bool {
        guard stdoutIsTTY, getenv("NO_COLOR") == nil else { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }
}

extension Terminal {
    /// Writes straight to file descriptor 1, so results and errors (fd 2) appear in the
    /// order they are produced.
    static func writeStdout(_ s: String) {
        var s = s
        s.withUTF8 { u in
            var done = 0
            while done < u.count {
                let n = write(1, u.baseAddress! + done, u.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }
}
