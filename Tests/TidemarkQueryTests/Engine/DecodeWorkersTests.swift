import Foundation
import Synchronization
import Testing
@testable import TidemarkQuery

@Suite struct DecodeWorkersTests {
    /// Every index runs exactly once, whatever the pool's size, and `run` returns only
    /// after all have finished; several callers at once share the pool.
    @Test(arguments: [0, 1, 3])
    func everyWorkerRunsOnceBeforeRunReturns(threads: Int) async {
        let pool = DecodeWorkers(threads: threads)
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    let workers = 1 + caller * 2
                    let counts = Mutex([Int](repeating: 0, count: workers))
                    pool.run(workers: workers) { i in
                        usleep(UInt32(200 * (i % 3)))
                        counts.withLock { $0[i] += 1 }
                    }
                    return counts.withLock { $0 } == [Int](repeating: 1, count: workers)
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
