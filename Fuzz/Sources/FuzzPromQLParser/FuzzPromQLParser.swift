import TidemarkQuery

// libFuzzer target for the PromQL front end. Every input is read as UTF-8 (invalid
// bytes become U+FFFD) and parsed. Parsing must never trap; an error must point inside
// the input (line and column consistent with its byte offset); a parsed expression must
// print to text that parses back to the same AST and prints identically (the printer is
// canonical). A violated invariant calls `fatalError`, which libFuzzer reports as a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromQLParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let length = text.utf8.count
    do {
        let expr = try PromQL.parse(text)
        let printed = expr.promql
        let again: Expr
        do {
            again = try PromQL.parse(printed)
        } catch {
            fatalError("printed form does not parse: \(printed) (\(error)) from \(text)")
        }
        if again != expr { fatalError("round trip changed the AST: \(text) -> \(printed)") }
        if again.promql != printed { fatalError("printer not canonical: \(printed) -> \(again.promql)") }
    } catch {
        let p = error.position
        if p.start < 0 || p.start > length || p.end < p.start || p.end > length {
            fatalError("error position \(p) outside input of \(length) bytes: \(error)")
        }
        if error.line < 1 || error.column < 1 || error.column > p.start + 1 {
            fatalError("bad line/column in \(error) for \(p)")
        }
    }
    return 0
}
