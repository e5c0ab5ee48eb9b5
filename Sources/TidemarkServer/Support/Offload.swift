import Dispatch

/// Runs blocking work (queries, fsyncs) on a Dispatch thread so the Swift concurrency
/// pool and the event loops stay free.
func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
        DispatchQueue.global().async { c.resume(returning: work()) }
    }
}
