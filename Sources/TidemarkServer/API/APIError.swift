import TidemarkQuery

/// An API failure: Prometheus's `errorType` and the message.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Prometheus's error types, each with the HTTP status it answers with.
    public enum ErrorType: String, Sendable {
        case badData = "bad_data"
        case execution
        case canceled
        case timeout
        case `internal`
        case notFound = "not_found"
        case unavailable

        /// The status code Prometheus's `respondError` uses.
        public var statusCode: Int {
            switch self {
            case .badData: return 400
            case .execution: return 422
            case .canceled: return 499
            case .timeout, .unavailable: return 503
            case .internal: return 500
            case .notFound: return 404
            }
        }
    }

    public var type: ErrorType
    public var message: String

    public init(_ type: ErrorType, _ message: String) {
        self.type = type
        self.message = message
    }

    public var description: String { "\(type.rawValue): \(message)" }

    /// `invalid parameter "name": reason`, as Prometheus words a malformed parameter.
    public static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(.badData, "invalid parameter \(PrometheusJSON.string(name)): \(reason)")
    }

    /// The API error for a failed query (Prometheus's `returnAPIError`).
    public init(_ e: QueryError) {
        switch e.kind {
        case .badData: self.init(.badData, e.message)
        case .timeout: self.init(.timeout, e.message)
        case .canceled: self.init(.canceled, e.message)
        case .storage: self.init(.internal, e.message)
        case .execution, .tooManySamples: self.init(.execution, e.message)
        }
    }
}
