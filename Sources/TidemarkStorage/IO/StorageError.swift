#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the storage layer. Each names what is wrong and where.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed on `path`.
    case io(op: String, path: String, errno: Int32)
    /// A file's bytes are not what its format says (file, byte offset, reason).
    case corrupt(path: String, offset: Int, reason: String)
    /// A sample's timestamp is lower than the series' last one.
    case outOfOrderSample(series: String, last: Int64, got: Int64)
    /// A sample repeats the series' last timestamp with a different value.
    case duplicateSampleForTimestamp(series: String, timestamp: Int64)
    /// A sample is older than the head accepts (its range is already a block).
    case outOfBounds(series: String, timestamp: Int64, minValid: Int64)
    /// A label set cannot identify a series (no labels, empty name, …).
    case invalidLabels(String)
    /// The appender was used after commit or rollback.
    case appenderClosed
    /// The database was used after close.
    case closed
    /// An unknown series reference was passed to an appender.
    case unknownSeriesRef(UInt64)
    /// Another process holds the data directory's lock.
    case locked(path: String)
    /// A matcher could not be compiled.
    case invalidMatcher(String)

    public var description: String {
        switch self {
        case .io(let op, let path, let e): return "\(op) \(path): \(String(cString: strerror(e)))"
        case .corrupt(let path, let offset, let reason): return "\(path): corrupt at byte offset \(offset): \(reason)"
        case .outOfOrderSample(let s, let last, let got): return "out of order sample for \(s): timestamp \(got) is before the last one, \(last)"
        case .duplicateSampleForTimestamp(let s, let t): return "duplicate sample for timestamp \(t) with a different value for \(s)"
        case .outOfBounds(let s, let t, let m): return "out of bounds: sample for \(s) at \(t) is older than the head's minimum \(m)"
        case .invalidLabels(let why): return "invalid labels: \(why)"
        case .appenderClosed: return "appender already committed or rolled back"
        case .closed: return "database is closed"
        case .unknownSeriesRef(let r): return "unknown series reference \(r)"
        case .locked(let p): return "data directory \(p) is locked by another process"
        case .invalidMatcher(let why): return "invalid matcher: \(why)"
        }
    }
}
