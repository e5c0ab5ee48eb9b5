import Synchronization
import TidemarkQuery

extension APIRequest {
    /// The `query` parameter parsed, or `bad_data` naming it (an absent query is
    /// Prometheus's "no expression found in input"). With `cache`, a query text parsed
    /// before is not parsed again.
    func parsedQuery(cache: ExpressionCache? = nil) throws(APIError) -> Expr {
        let text = value("query") ?? ""
        if let e = cache?.get(text) { return e }
        let expr: Expr
        do { expr = try PromQL.parse(text) } catch { throw APIError.invalidParameter("query", error.description) }
        cache?.put(text, expr)
        return expr
    }
}

/// Parsed expressions by query text, so that a dashboard's queries, sent again at every
/// refresh with new times, are parsed once: parsing `vector(1)` (lexer, parser, type
/// checker) took about 6 µs, a tenth of the whole request. An `Expr` is an immutable
/// value, safe to share. Failed parses are not kept.
///
/// Bounded and cheap: two generations of at most `capacity` entries each; a hit in the
/// older one moves the entry to the newer; when the newer fills up it becomes the older
/// and the oldest generation is dropped (an approximate LRU). Texts longer than
/// `maxTextBytes` are not kept.
final class ExpressionCache: Sendable {
    private struct Generations {
        var current: [String: Expr] = [:]
        var previous: [String: Expr] = [:]
    }

    private let state = Mutex(Generations())
    let capacity: Int
    let maxTextBytes: Int

    init(capacity: Int = 512, maxTextBytes: Int = 4096) {
        self.capacity = capacity
        self.maxTextBytes = maxTextBytes
    }

    func get(_ text: String) -> Expr? {
        guard text.utf8.count <= maxTextBytes else { return nil }
        return state.withLock { g -> Expr? in
            if let e = g.current[text] { return e }
            guard let e = g.previous.removeValue(forKey: text) else { return nil }
            Self.insert(text, e, into: &g, capacity: capacity)
            return e
        }
    }

    func put(_ text: String, _ expr: Expr) {
        guard text.utf8.count <= maxTextBytes, capacity > 0 else { return }
        state.withLock { Self.insert(text, expr, into: &$0, capacity: capacity) }
    }

    private static func insert(_ text: String, _ expr: Expr, into g: inout Generations, capacity: Int) {
        if g.current.count >= capacity {
            g.previous = g.current
            g.current = [:]
        }
        g.current[text] = expr
    }
}
