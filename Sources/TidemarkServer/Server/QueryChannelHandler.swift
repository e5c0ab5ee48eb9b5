import Dispatch
import NIOCore
import NIOHTTP1
import TidemarkQuery

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers `GET`/`POST /api/v1/query` and `/api/v1/query_range` in the connection's
/// channel pipeline, on its event loop; every other request goes on to Hummingbird's
/// router unchanged.
///
/// Why: through Hummingbird a request costs three thread hand-offs (event loop → the
/// connection's Swift task → a Dispatch thread for the query → back → event loop), each a
/// futex wake-up and context switch, plus a request context, logger metadata, router
/// lookup and conversions to and from `HTTPTypes`. That was about 150–230 µs of server
/// CPU for `vector(1)`, several times the query. Here a small query
/// (`ServerOptions.InlineQueryLimits`) is parsed, evaluated and answered inside
/// `channelRead`; a larger one goes to a Dispatch thread and its answer comes back to the
/// event loop (two hand-offs), and is stopped if the client leaves. The handler works on
/// NIO's HTTP/1 parts, before Hummingbird's `HTTPTypes` conversion, which the router's
/// requests still go through.
///
/// What the client sees is the same as from the router: the status, `Content-Type`,
/// `Content-Length`, `Date` and `Server` headers, the same body (both call the same
/// `TidemarkAPI` code), `413` past `maxBodyBytes`, and `Connection: close` honoured.
/// Requests are answered strictly in order: while one request (this handler's or the
/// router's) is unanswered, the parts of the next are held and reading pauses, as NIO's
/// pipelining handler does.
///
/// Graceful shutdown: Hummingbird's `HTTPConnectionStateHandler` (further down the
/// pipeline) closes a connection on `ChannelShouldQuiesceEvent` once no request it saw is
/// in flight; it does not see the requests answered here, so the event is held back
/// while one of them is unanswered.
final class QueryChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A query request whose body is being read.
    private struct QueryRequest {
        var range: Bool
        /// The URL's query string (after `?`, before `#`).
        var query: Substring
        /// `Content-Type: application/x-www-form-urlencoded`: the body holds parameters.
        var formBody: Bool
        /// The request said `Connection: close`.
        var close: Bool
        var body: ByteBuffer?
        var bodyBytes = 0
    }

    private enum Reading {
        /// Between requests.
        case idle
        /// A request for the router: its parts pass on.
        case forwarding
        /// A query request: its body is collected here.
        case query(QueryRequest)
        /// A query request already answered (body too large): the rest of its body is dropped.
        case discarding
    }

    private let api: TidemarkAPI
    private let serverName: String
    private var reading = Reading.idle
    /// Requests read but not yet answered in full (this handler's or the router's).
    private var unanswered = 0
    /// The unanswered request is this handler's.
    private var answering = false
    /// A `ChannelShouldQuiesceEvent` held until this handler's request is answered.
    private var quiesceHeld = false
    /// Parts of later requests, held until the current one is answered.
    private var held = CircularBuffer<HTTPServerRequestPart>()
    /// A `read` was held back while requests wait (resumed when they are processed).
    private var readHeld = false
    private var draining = false
    /// Parts went on to the router outside `channelRead` (from `drain`).
    private var forwardedOutsideRead = false
    private var active = true
    /// Stops this connection's offloaded query when the connection closes; reset before
    /// each query (one query at a time per connection).
    private let cancellation = QueryCancellation()
    private var date = HTTPDate()

    init(api: TidemarkAPI, serverName: String) {
        self.api = api
        self.serverName = serverName
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if held.isEmpty {
            process(context, part)
        } else {
            held.append(part)
        }
    }

    private func process(_ context: ChannelHandlerContext, _ part: HTTPServerRequestPart) {
        switch reading {
        case .idle:
            guard case .head(let head) = part else {
                // Not a request start: let the router's connection loop report it.
                forward(context, part)
                return
            }
            if unanswered > 0 {
                held.append(part)
                return
            }
            unanswered += 1
            if let request = Self.queryRequest(head) {
                answering = true
                reading = .query(request)
            } else {
                reading = .forwarding
                forward(context, part)
            }
        case .forwarding:
            if case .end = part { reading = .idle }
            forward(context, part)
        case .query(var request):
            // Out of the enum while it changes, so the body buffer is not shared (appending
            // to a shared one would copy it at every chunk).
            reading = .idle
            switch part {
            case .head:
                // The HTTP decoder never starts a request inside another.
                context.close(promise: nil)
            case .body(let chunk):
                request.bodyBytes += chunk.readableBytes
                if request.bodyBytes > api.options.maxBodyBytes {
                    reading = .discarding
                    answer(context, HTTPBridge.bodyTooLarge(api.options.maxBodyBytes), close: request.close)
                    return
                }
                if request.body == nil {
                    request.body = chunk
                } else {
                    request.body!.writeImmutableBuffer(chunk)
                }
                reading = .query(request)
            case .end:
                reading = .idle
                run(context, request)
            }
        case .discarding:
            if case .end = part { reading = .idle }
        }
    }

    private func forward(_ context: ChannelHandlerContext, _ part: HTTPServerRequestPart) {
        if draining { forwardedOutsideRead = true }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// The query request `head` starts, nil for any other request: GET or POST on
    /// exactly `/api/v1/query` or `/api/v1/query_range` (other spellings, such as an
    /// absolute URL, go to the router, which answers them with the same code).
    private static func queryRequest(_ head: HTTPRequestHead) -> QueryRequest? {
        guard head.method == .GET || head.method == .POST else { return nil }
        let target = head.uri
        let utf8 = target.utf8
        let pathEnd = utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex
        let path = utf8[..<pathEnd]
        let range: Bool
        if path.elementsEqual("/api/v1/query".utf8) {
            range = false
        } else if path.elementsEqual("/api/v1/query_range".utf8) {
            range = true
        } else {
            return nil
        }
        var query: Substring = ""
        if pathEnd != utf8.endIndex {
            let from = utf8.index(after: pathEnd)
            query = target[from..<(utf8[from...].firstIndex(of: UInt8(ascii: "#")) ?? utf8.endIndex)]
        }
        // As the router's request reads them: the last Content-Type (HTTPBridge keeps one
        // value per name), and Connection's values joined (HTTPFields' subscript).
        let formBody = head.headers["content-type"].last?.hasPrefix("application/x-www-form-urlencoded") ?? false
        let connection = head.headers["connection"]
        let close = connection.count == 1 ? connection[0] == "close" : connection.joined(separator: ", ") == "close"
        return QueryRequest(range: range, query: query, formBody: formBody, close: close)
    }

    /// Parses and runs a complete query request: answers at once when it ran inline,
    /// else when the worker thread is done.
    private func run(_ context: ChannelHandlerContext, _ request: QueryRequest) {
        var form: [String: [String]] = [:]
        FormDecoding.decode(request.query, into: &form)
        var body: [UInt8] = []
        if let buffer = request.body {
            if request.formBody {
                FormDecoding.decode(Substring(String(buffer: buffer)), into: &form)
            } else {
                body = Array(buffer.readableBytesView)
            }
        }
        // Headers are left out: the query endpoints read none.
        let apiRequest = APIRequest(form: form, body: body)
        cancellation.reset()
        switch api.startQuery(apiRequest, range: request.range, cancellation: cancellation) {
        case .answered(let response):
            answer(context, response, close: request.close)
        case .offload(let work):
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            let close = request.close
            DispatchQueue.global().async {
                let response = work()
                loop.execute {
                    let (handler, context) = bound.value
                    guard handler.active else { return }
                    handler.answer(context, response, close: close)
                }
            }
        }
    }

    // MARK: outbound

    /// Writes `response` as the router's answer reaches the socket (the same head, as
    /// `HTTP1ToHTTPServerCodec` converts it, and body), then lets the next held request in.
    private func answer(_ context: ChannelHandlerContext, _ response: APIResponse, close: Bool) {
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Date", value: date.now())
        headers.add(name: "Server", value: serverName)
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status, reasonPhrase: ""), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        answering = false
        if quiesceHeld {
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        answered(context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The router's answers pass through; the end of one lets the next request in.
        let isEnd: Bool
        if case .end = unwrapOutboundIn(data) { isEnd = true } else { isEnd = false }
        context.write(data, promise: promise)
        if isEnd {
            unanswered = max(0, unanswered - 1)
            if !held.isEmpty {
                // Not from inside a write: process the held requests on the next tick.
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.execute {
                    let (handler, context) = bound.value
                    if handler.active { handler.drain(context) }
                }
            }
        }
    }

    private func answered(_ context: ChannelHandlerContext) {
        unanswered -= 1
        drain(context)
    }

    /// Processes held parts until a request has to wait again; then resumes reading if
    /// a read was held back.
    private func drain(_ context: ChannelHandlerContext) {
        if draining { return }  // the loop below continues once the inner answer returns
        draining = true
        defer { draining = false }
        while let part = held.first {
            if case .idle = reading, case .head = part, unanswered > 0 { break }
            held.removeFirst()
            process(context, part)
        }
        if forwardedOutsideRead {
            // The async channel hands reads to the router's task at read-complete: without
            // one, the parts just forwarded would wait for the next socket read.
            forwardedOutsideRead = false
            context.fireChannelReadComplete()
        }
        if held.isEmpty && readHeld {
            readHeld = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if held.isEmpty {
            context.read()
        } else {
            readHeld = true
        }
    }

    // MARK: lifecycle

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent && answering {
            quiesceHeld = true
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        cancellation.cancel()
        held.removeAll()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        active = false
    }
}

/// The `Date` header value (RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`),
/// formatted once a second.
struct HTTPDate {
    private var second: time_t = -1
    private var text = ""

    mutating func now() -> String {
        let t = time(nil)
        if t != second {
            second = t
            text = Self.format(t)
        }
        return text
    }

    static func format(_ t: time_t) -> String {
        var seconds = t
        var tm = tm()
        gmtime_r(&seconds, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}
