import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a server on 127.0.0.1, for the bench's HTTP
/// ingest phases: POST a body, read the status and the body. Blocking, and cheap on the
/// client's side (no URLSession), so the machine's cores go to the server being
/// measured. Used by one thread at a time.
final class LoopbackHTTPConnection: @unchecked Sendable {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    let port: Int
    private var fd: Int32 = -1
    /// Bytes received and not yet consumed.
    private var buffer: [UInt8] = []
    private var start = 0
    /// What one `recv` reads into.
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    init(port: Int) { self.port = port }

    deinit { disconnect() }

    /// POSTs `body` to `path`. A connection the server closed while idle is reopened once.
    func post(_ path: String, body: [UInt8], headers: [(String, String)]) throws -> Response {
        try request("POST", path, body, headers)
    }

    /// GETs `path` (with its query string, already percent-encoded).
    func get(_ path: String) throws -> Response {
        try request("GET", path, [], [])
    }

    private func request(_ method: String, _ path: String, _ body: [UInt8], _ headers: [(String, String)]) throws -> Response {
        let reused = fd >= 0
        do {
            return try exchange(method, path, body, headers)
        } catch let e as HTTPConnectionError where reused && e.beforeResponse {
            return try exchange(method, path, body, headers)
        }
    }

    private func exchange(_ method: String, _ path: String, _ body: [UInt8], _ headers: [(String, String)]) throws -> Response {
        do {
            if fd < 0 { try connect() }
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "\r\n"
            try send(Array(head.utf8))
            try send(body)
            return try readResponse()
        } catch {
            disconnect()
            throw error
        }
    }

    private func connect() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw HTTPConnectionError("socket: errno \(errno)", beforeResponse: false) }
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops answering fails the request instead of hanging the bench.
        var timeout = timeval(tv_sec: 300, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard ok else {
            let e = errno
            close(s)
            throw HTTPConnectionError("connect to 127.0.0.1:\(port): errno \(e)", beforeResponse: false)
        }
        fd = s
        buffer.removeAll(keepingCapacity: true)
        start = 0
    }

    private func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    private func send(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw HTTPConnectionError("send: errno \(errno)", beforeResponse: true) }
                done += n
            }
        }
    }

    /// Reads more bytes into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw HTTPConnectionError("recv: errno \(errno)", beforeResponse: buffer.isEmpty) }
            buffer.append(contentsOf: scratch[..<n])
            return n > 0
        }
    }

    /// The next line without its CRLF.
    private func readLine() throws -> String {
        while true {
            if let i = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = i
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = i + 1
                return line
            }
            guard try fill() else { throw HTTPConnectionError("connection closed by the server", beforeResponse: buffer.isEmpty) }
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count - start < count {
            guard try fill() else { throw HTTPConnectionError("connection closed in a response body", beforeResponse: false) }
        }
        defer { start += count }
        return Array(buffer[start..<start + count])
    }

    private func readResponse() throws -> Response {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw HTTPConnectionError("not an HTTP response: \(statusLine.prefix(100))", beforeResponse: false)
        }
        var fields: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if status == 204 || status == 304 || status < 200 {
            // no body
        } else if let length = fields["content-length"].flatMap({ Int($0) }) {
            body = try read(length)
        } else if fields["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                let size = try readLine().split(separator: ";").first.flatMap { Int($0.trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
                if size == 0 { break }
                body += try read(size)
                _ = try readLine()
            }
            while try !readLine().isEmpty {}  // trailers
        } else {
            while try fill() {}
            body = Array(buffer[start...])
            start = buffer.count
            disconnect()
        }
        if fields["connection"]?.lowercased() == "close" { disconnect() }
        return Response(status: status, body: body)
    }
}

/// A request on a `LoopbackHTTPConnection` that failed; `beforeResponse` when nothing of
/// an answer had arrived (a kept-alive connection the server had closed).
struct HTTPConnectionError: Error, CustomStringConvertible {
    let description: String
    let beforeResponse: Bool
    init(_ message: String, beforeResponse: Bool) {
        description = message
        self.beforeResponse = beforeResponse
    }
}
