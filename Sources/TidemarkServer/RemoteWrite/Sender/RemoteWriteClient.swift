import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TidemarkRemoteWrite

/// Posts remote-write 1.0 requests (snappy-compressed protobuf) and classifies the answer
/// as Prometheus's sender does.
struct RemoteWriteClient: Sendable {
    /// What to do with a batch after one attempt.
    enum Outcome: Equatable, Sendable {
        case sent
        /// 5xx, 429 or a connection error: back off and send the same batch again.
        case retry(String)
        /// Any other 4xx: the receiver will never take it; drop it.
        case drop(String)
    }

    let url: URL
    let timeout: Double

    /// Sends one request; blocks the calling (sender) thread until it is answered.
    func send(_ request: WriteRequest) -> Outcome {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.httpBody = Data(Snappy.compress(request.serialized()))
        r.timeoutInterval = timeout
        r.setValue("snappy", forHTTPHeaderField: "Content-Encoding")
        r.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
        r.setValue("0.1.0", forHTTPHeaderField: "X-Prometheus-Remote-Write-Version")
        r.setValue("Tidemark/\(BuildInfo.version)", forHTTPHeaderField: "User-Agent")
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        URLSession.shared.dataTask(with: r) { data, response, error in
            box.value = Self.classify(status: (response as? HTTPURLResponse)?.statusCode, body: data, error: error)
            done.signal()
        }.resume()
        done.wait()
        return box.value
    }

    /// Prometheus's rule: 2xx sent; 5xx and 429 retried; other statuses dropped; no
    /// answer at all retried.
    static func classify(status: Int?, body: Data?, error: (any Error)?) -> Outcome {
        guard let status else { return .retry("no response: \(error.map { "\($0)" } ?? "unknown error")") }
        let text = body.map { String(decoding: $0.prefix(512), as: UTF8.self) } ?? ""
        switch status {
        case 200..<300: return .sent
        case 429, 500..<600: return .retry("HTTP \(status): \(text)")
        default: return .drop("HTTP \(status): \(text)")
        }
    }

    private final class OutcomeBox: @unchecked Sendable {
        var value: Outcome = .retry("no answer")
    }
}
