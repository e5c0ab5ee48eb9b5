import Foundation

/// A few long-lived threads that help a query decode its series. Dispatch's
/// `concurrentPerform` ran serially inside the server (called from a busy global-queue
/// thread on a 2-core machine, libdispatch saw no spare width); these threads are always
/// there. The calling thread works too, so a query never waits for a helper to start.
final class DecodeWorkers: @unchecked Sendable {
    /// Shared by all queries: the machine's cores less the caller's.
    static let shared = DecodeWorkers(threads: max(0, EngineOptions.cores - 1))

    private final class Job: @unchecked Sendable {
        let body: @Sendable (Int) -> Void
        var remaining: Int
        let done = NSCondition()
        init(body: @escaping @Sendable (Int) -> Void, remaining: Int) {
            self.body = body
            self.remaining = remaining
        }
    }

    private let queue = NSCondition()
    private var tasks: [(Job, Int)] = []
    let threads: Int

    init(threads: Int) {
        self.threads = threads
        for i in 0..<threads {
            let t = Thread { [unowned self] in self.serve() }
            t.name = "tidemark-decode-\(i)"
            t.start()
        }
    }

    /// Runs `body(0)` on the calling thread and offers `body(1)` … `body(workers - 1)` to
    /// the pool's threads; returns when every one that started has finished. Bodies the
    /// pool had not started by the time the caller finished its own are dropped, so
    /// `body` must be a share of work that any other share can finish (the decoding
    /// loop takes batches from a common counter).
    func run(workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let helpers = min(workers - 1, threads)
        guard helpers > 0 else {
            for i in 0..<workers { body(i) }
            return
        }
        let job = Job(body: body, remaining: helpers)
        queue.lock()
        for i in 1...helpers { tasks.append((job, i)) }
        queue.broadcast()
        queue.unlock()
        body(0)
        // Workers past the pool's size run here, after the caller's own share.
        for i in (helpers + 1)..<max(helpers + 1, workers) { body(i) }
        // Helpers busy with another query's job have not started this one's tasks: drop
        // those (the work is done) rather than wait behind that other query.
        queue.lock()
        let before = tasks.count
        tasks.removeAll { $0.0 === job }
        let dropped = before - tasks.count
        queue.unlock()
        job.done.lock()
        job.remaining -= dropped
        while job.remaining > 0 { job.done.wait() }
        job.done.unlock()
    }

    private func serve() {
        while true {
            queue.lock()
            while tasks.isEmpty { queue.wait() }
            let (job, i) = tasks.removeFirst()
            queue.unlock()
            job.body(i)
            job.done.lock()
            job.remaining -= 1
            if job.remaining == 0 { job.done.signal() }
            job.done.unlock()
        }
    }
}
