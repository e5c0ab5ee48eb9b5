#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. Immutable after init and unmapped in
/// `deinit`, so it can be shared between threads; readers hold the object while they use
/// `bytes` (read through `ByteReader`).
public final class MappedFile: @unchecked Sendable {
    /// The file's path, for error messages.
    public let path: String
    let base: UnsafeRawPointer?
    /// Size of the file in bytes.
    public let count: Int

    /// Maps `path`; an empty file maps to an empty buffer.
    public init(path: String) throws(StorageError) {
        self.path = path
        let fd = try FileIO.openFile(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        try FileIO.check(fstat(fd, &st), "fstat", path)
        let size = Int(st.st_size)
        if size == 0 {
            base = nil
            count = 0
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else { throw .io(op: "mmap", path: path, errno: errno) }
        base = UnsafeRawPointer(p)
        count = size
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The mapped bytes; valid while `self` is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Runs `body` with the mapped bytes, keeping the mapping alive for its duration.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(bytes) }
    }
}
