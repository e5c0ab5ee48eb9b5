import CMalloc

/// glibc malloc settings for the long-running server.
///
/// A query allocates buffers of hundreds of kilobytes to megabytes (decoded samples,
/// result arrays). With glibc's defaults those come from fresh `mmap`s or from the top
/// of a heap that is trimmed when they are freed, so every query faults the same pages
/// in again: half of the server's CPU time on a 240-step range query over 100 series
/// (`cpu_usage_user > 90`, 3.1 ms per request, 1.5 ms of it in the kernel). Raising
/// the mmap threshold keeps such buffers in the heaps, and raising the trim threshold
/// keeps freed memory for the next query, at the cost of holding up to that much
/// memory after a burst.
enum MallocTuning {
    /// Allocations of at least this size get their own mapping.
    static let mmapThreshold: Int32 = 32 << 20
    /// Free memory at the top of a heap kept for reuse before it is returned.
    static let trimThreshold: Int32 = 128 << 20

    /// Applies the settings; returns false if glibc refused one.
    @discardableResult
    static func apply() -> Bool {
        mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1
    }
}
