#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, error-checked wrappers over the POSIX calls the storage layer needs. Every
/// failure becomes `StorageError.io` naming the call and the path.
enum FileIO {
    static func check(_ rc: Int32, _ op: String, _ path: String) throws(StorageError) {
        if rc < 0 { throw .io(op: op, path: path, errno: errno) }
    }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(StorageError) -> Int32 {
        let fd = open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw .io(op: "open", path: path, errno: errno) }
        return fd
    }

    static func closeFD(_ fd: Int32) { _ = close(fd) }

    /// Writes all of `bytes` at the current offset, retrying on EINTR and short writes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(op: "write", path: path, errno: errno)
            }
            done += n
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StorageError) {
        if bytes.isEmpty { return }
        let r: Result<Void, StorageError> = bytes.withUnsafeBytes { p in
            Result { () throws(StorageError) in try writeAll(fd, p, path: path) }
        }
        try r.get()
    }

    static func fsyncFD(_ fd: Int32, path: String) throws(StorageError) {
        try check(fsync(fd), "fsync", path)
    }

    static func fdatasyncFD(_ fd: Int32, path: String) throws(StorageError) {
        #if canImport(Glibc)
        try check(fdatasync(fd), "fdatasync", path)
        #else
        try check(fsync(fd), "fsync", path)
        #endif
    }

    /// Fsyncs a directory so that creations, renames and deletions in it are durable.
    static func syncDirectory(_ path: String) throws(StorageError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsyncFD(fd, path: path)
    }

    /// Writes a whole file: to `path.tmp`, fsync, rename over `path`, fsync the directory.
    static func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(StorageError) {
        let tmp = path + ".tmp"
        let fd = try openFile(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, bytes, path: tmp)
            try fsyncFD(fd, path: tmp)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try check(rename(tmp, path), "rename", tmp)
        try syncDirectory(parent(of: path))
    }

    /// Reads a whole file into memory (from byte `offset` on).
    static func readFile(_ path: String, from offset: Int = 0) throws(StorageError) -> [UInt8] {
        let fd = try openFile(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        try check(fstat(fd, &st), "fstat", path)
        if offset > 0 && lseek(fd, off_t(offset), SEEK_SET) < 0 { throw .io(op: "lseek", path: path, errno: errno) }
        var out = [UInt8](repeating: 0, count: max(0, Int(st.st_size) - offset))
        var done = 0
        while done < out.count {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(op: "read", path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        if done < out.count { out.removeSubrange(done...) }
        return out
    }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func makeDirectory(_ path: String) throws(StorageError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io(op: "mkdir", path: path, errno: errno) }
    }

    /// Names in a directory, excluding `.` and `..`, sorted.
    static func list(_ path: String) throws(StorageError) -> [String] {
        guard let dir = opendir(path) else { throw .io(op: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file or a directory tree.
    static func removeTree(_ path: String) throws(StorageError) {
        if isDirectory(path) {
            for name in try list(path) { try removeTree(path + "/" + name) }
            try check(rmdir(path), "rmdir", path)
        } else if unlink(path) != 0 && errno != ENOENT {
            throw .io(op: "unlink", path: path, errno: errno)
        }
    }

    /// Total bytes of the regular files under `path`.
    static func treeSize(_ path: String) -> Int {
        if isDirectory(path) {
            return ((try? list(path)) ?? []).reduce(0) { $0 + treeSize(path + "/" + $1) }
        }
        return fileSize(path) ?? 0
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let p = String(path[..<slash])
        return p.isEmpty ? "/" : p
    }
}
