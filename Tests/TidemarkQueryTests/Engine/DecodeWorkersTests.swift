import Foundation
import Synchronization
import Testing
@testable import TidemarkQuery

@Suite struct DecodeWorkersTests {
    /// Shares of a common job (as decoding is: batches from one counter) all get done
    /// before `run` returns, whatever the pool's size, with several callers at once; no
    /// share runs twice.
    @Test(arguments: [0, 1, 3])
    func theWholeJobIsDoneBeforeRunReturns(threads: Int) async {
        let pool = DecodeWorkers(threads: threads)
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    let workers = 1 + caller * 2
                    let items = 200
                    let next = Atomic<Int>(0)
                    let done = Mutex([Int](repeating: 0, count: items))
                    let runs = Mutex([Int](repeating: 0, count: workers))
                    pool.run(workers: workers) { w in
                        runs.withLock { $0[w] += 1 }
                        while true {
                            let i = next.add(1, ordering: .relaxed).oldValue
                            if i >= items { return }
                            usleep(50)
                            done.withLock { $0[i] += 1 }
                        }
                    }
                    return done.withLock { $0 } == [Int](repeating: 1, count: items) && runs.withLock { $0 }.allSatisfy { $0 <= 1 } && runs.withLock { $0[0] } == 1
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    /// A caller whose helpers are all busy with a long job does not wait for that job.
    @Test func aSmallJobDoesNotWaitBehindABigOne() async {
        let pool = DecodeWorkers(threads: 1)
        let helperIn = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let big = Task.detached {
            pool.run(workers: 2) { w in
                if w == 1 {
                    helperIn.signal()
                    release.wait()  // the pool's only thread is stuck in the big job
                } else {
                    helperIn.wait()  // so the helper's share is not dropped before it starts
                    started.signal()
                }
            }
        }
        started.wait()
        let t0 = Date()
        pool.run(workers: 2) { _ in }
        #expect(Date().timeIntervalSince(t0) < 1)
        release.signal()
        await big.value
    }
}
