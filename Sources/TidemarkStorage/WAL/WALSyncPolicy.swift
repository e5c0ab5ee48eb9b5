/// When the WAL forces written records to stable storage.
public enum WALSyncPolicy: Sendable, Equatable, CustomStringConvertible {
    /// fdatasync before every commit returns: an acknowledged commit survives power loss.
    case everyCommit
    /// fdatasync in the background every `milliseconds`; a crash of the machine (not of
    /// the process) can lose up to that window.
    case interval(milliseconds: Int)
    /// Never sync explicitly; the kernel writes back when it likes. A process crash
    /// loses nothing (the data is in the page cache), a machine crash may.
    case never

    public var description: String {
        switch self {
        case .everyCommit: return "commit"
        case .interval(let ms): return "interval=\(ms)ms"
        case .never: return "never"
        }
    }

    /// Parses `commit`, `never`, or a duration in ms/s (`200ms`, `1s`) for interval sync.
    public init?(parsing s: String) {
        switch s {
        case "commit", "always", "every-commit": self = .everyCommit
        case "never", "none": self = .never
        default:
            if s.hasSuffix("ms"), let n = Int(s.dropLast(2)), n > 0 { self = .interval(milliseconds: n) }
            else if s.hasSuffix("s"), let n = Int(s.dropLast(1)), n > 0 { self = .interval(milliseconds: n * 1000) }
            else { return nil }
        }
    }
}
