import Synchronization

/// A switch another thread (or a signal handler) flips to stop a running query.
///
/// The engine polls it where it polls its deadline (every 64th check), so a query stops
/// soon after `cancel()` with `QueryError.Kind.canceled`. `cancel()` is a single atomic
/// store, safe to call from a signal handler. Reusable: `reset()` before the next query.
public final class QueryCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the running query to stop.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Clears the request, for the next query.
    public func reset() { flag.store(false, ordering: .relaxed) }

    /// Whether `cancel()` was called since the last `reset()`.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
