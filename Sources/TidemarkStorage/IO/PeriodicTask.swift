import Foundation

/// Runs `body` on a background thread every interval until `stop()`.
final class PeriodicTask: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false

    init(intervalMilliseconds: Int, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(intervalMilliseconds) / 1000))
                if stopped { break }
                condition.unlock()
                body()
                condition.lock()
            }
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "tidemark-periodic"
        thread.start()
    }

    /// Stops the task and waits for a running `body` to return.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
