/// Which elements `topk`/`bottomk` keep when values tie, decided exactly as Prometheus
/// decides it: a min-heap (max-heap for `bottomk`) of at most k elements built in input
/// order with Go's `container/heap` moves; a new element replaces the heap's root only if
/// strictly better (a number beats NaN). With ties at the k-th place the heap's layout
/// picks the survivor, so a stable sort alone keeps different series than Prometheus.
enum HeapSelection {
    /// Indices into `values` of the elements kept (at most `k`), in no particular order.
    static func select(_ values: [Double], k: Int, top: Bool) -> [Int] {
        guard k > 0 else { return [] }
        var heap: [Int] = []
        heap.reserveCapacity(min(k, values.count))
        // Go's vectorByValueHeap / vectorByReverseValueHeap: NaN sorts first (least).
        func less(_ i: Int, _ j: Int) -> Bool {
            let (a, b) = (values[heap[i]], values[heap[j]])
            if a.isNaN { return true }
            return top ? a < b : a > b
        }
        func up(_ j0: Int) {
            var j = j0
            while j > 0 {
                let i = (j - 1) / 2
                if !less(j, i) { break }
                heap.swapAt(i, j)
                j = i
            }
        }
        func down(_ i0: Int) -> Bool {
            var i = i0
            let n = heap.count
            while true {
                let j1 = 2 * i + 1
                if j1 >= n { break }
                var j = j1
                if j1 + 1 < n && less(j1 + 1, j1) { j = j1 + 1 }
                if !less(j, i) { break }
                heap.swapAt(i, j)
                i = j
            }
            return i > i0
        }
        for (index, v) in values.enumerated() {
            if heap.count < k {
                heap.append(index)
                up(heap.count - 1)
                continue
            }
            let root = values[heap[0]]
            let better = top ? root < v : root > v
            if better || (root.isNaN && !v.isNaN) {
                heap[0] = index
                if k > 1, !down(0) { up(0) }
            }
        }
        return heap
    }
}
