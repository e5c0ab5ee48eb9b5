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
        let request: WriteRequest
        do {
            let raw = try Snappy.decompress(r.body, maxLength: options.maxDecodedWriteBytes)
            request = try WriteRequest(decoding: raw)
        } catch {
            metrics.remoteWriteFailures.increment()
            return .text(400, "\(error)\n")
        }
        for m in request.metadata where !m.metricFamilyName.isEmpty {
            metadata.record(m.metricFamilyName, .init(type: m.type, help: m.help, unit: m.unit))
        }
        let outcome: Result<IngestSummary, StorageError> = await offload { [db] in
            var ingest = Ingest(db)
            for ts in request.timeseries {
                let labels = Labels(ts.labels.map { Label($0.name, $0.value) })
                ingest.append(labels, ts.samples.lazy.map { ($0.timestamp, $0.value) })
            }
            return Result { () throws(StorageError) -> IngestSummary in try ingest.commit() }
        }
        switch outcome {
        case .failure(let e):
            metrics.remoteWriteFailures.increment()
            return .text(500, "\(e)\n")
        case .success(let ingest):
            metrics.samplesIngested.increment(by: ingest.accepted)
            metrics.samplesRejected.increment(by: ingest.rejected)
            if ingest.badRequest.isEmpty { return APIResponse(status: 204, contentType: "text/plain; charset=utf-8", body: []) }
            metrics.remoteWriteFailures.increment()
            return .text(400, ingest.badRequest.joined(separator: "\n") + "\n")
        }
    }
}
