import TidemarkRemoteWrite
import TidemarkStorage

/// `POST /api/v1/write`: Prometheus remote write 1.0 (snappy-compressed protobuf
/// `WriteRequest`).
extension TidemarkAPI {
    /// Answers as Prometheus's receiver does: 204 when everything was stored; 400 with
    /// the messages, one per line, for undecodable bodies and for rejected samples (the
    /// rest of the batch is kept); 415 for remote write 2.0; 500 when storage fails.
    public func remoteWrite(_ r: APIRequest) async -> APIResponse {
        metrics.remoteWriteRequests.increment()
        let contentType = r.headers["content-type"] ?? "application/x-protobuf"
        if contentType.contains("io.prometheus.write.v2.Request") {
            metrics.remoteWriteFailures.increment()
            return .text(415, "remote write 2.0 (io.prometheus.write.v2.Request) is not supported; send remote write 1.0\n")
        }
        if let enc = r.headers["content-encoding"], enc != "snappy" {
            metrics.remoteWriteFailures.increment()
            return .text(415, "unsupported Content-Encoding \(goQuote(enc)); remote write uses snappy\n")
        }
        // Decoding and storing run on one Dispatch thread: both are CPU work.
        let outcome: RemoteWriteOutcome = await offload { [self] in
            let request: FlatWriteRequest
            let series: [RemoteWriteSeries]
            do {
                request = try FlatWriteRequest(try Snappy.decompress(r.body, maxLength: options.maxDecodedWriteBytes))
                series = try RemoteWriteSeries.resolve(request, cache: remoteWriteSeries)
            } catch {
                return .undecodable("\(error)")
            }
            for m in request.metadata where !m.metricFamilyName.isEmpty {
                metadata.record(m.metricFamilyName, .init(type: m.type, help: m.help, unit: m.unit))
            }
            var ingest = Ingest(db)
            RemoteWriteSeries.append(request, series, to: &ingest, cache: remoteWriteSeries)
            do throws(StorageError) { return .stored(try ingest.commit()) } catch { return .storageFailed(error) }
        }
        switch outcome {
        case .undecodable(let message):
            metrics.remoteWriteFailures.increment()
            return .text(400, message + "\n")
        case .storageFailed(let e):
            metrics.remoteWriteFailures.increment()
            return .text(500, "\(e)\n")
        case .stored(let ingest):
            metrics.samplesIngested.increment(by: ingest.accepted)
            metrics.samplesRejected.increment(by: ingest.rejected)
            if ingest.badRequest.isEmpty { return APIResponse(status: 204, contentType: "text/plain; charset=utf-8", body: []) }
            metrics.remoteWriteFailures.increment()
            return .text(400, ingest.badRequest.joined(separator: "\n") + "\n")
        }
    }
}

/// What handling a remote-write body came to.
enum RemoteWriteOutcome: Sendable {
    /// Not snappy, not a `WriteRequest`, or a label that is not UTF-8: nothing stored.
    case undecodable(String)
    case stored(IngestSummary)
    case storageFailed(StorageError)
}
