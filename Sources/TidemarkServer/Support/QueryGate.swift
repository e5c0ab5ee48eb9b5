import Dispatch

/// Admits at most N queries at once; the rest wait up to their timeout (Prometheus's
/// query queue). Waiting happens on the offloaded Dispatch thread, never in async code.
final class QueryGate: Sendable {
    private let semaphore: DispatchSemaphore
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.semaphore = DispatchSemaphore(value: self.capacity)
    }

    /// Runs `body` once a slot is free; nil when none freed up within `timeoutSeconds`.
    func run<T>(timeoutSeconds: Double, _ body: () -> T) -> T? {
        guard semaphore.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
        defer { semaphore.signal() }
        return body()
    }

    /// Runs `body` if a slot is free right now; nil otherwise. Never waits, so an event
    /// loop may call it.
    func runIfFree<T>(_ body: () -> T) -> T? {
        guard semaphore.wait(timeout: .now()) == .success else { return nil }
        defer { semaphore.signal() }
        return body()
    }
}
