import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// `tidemark serve`: the HTTP server over a `TidemarkAPI`, built on Hummingbird 2, with
/// the query endpoints answered in the channel pipeline (`QueryChannelHandler`).
public struct TidemarkHTTPServer: Sendable {
    public let api: TidemarkAPI

    public init(api: TidemarkAPI) {
        self.api = api
    }

    /// Runs until SIGINT/SIGTERM (or task cancellation); `onRunning` gets the bound port
    /// once the socket listens.
    public func run(handleSignals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        Routes.register(router, api)
        var logger = Logger(label: "tidemark")
        logger.logLevel = .warning
        let api = self.api
        let serverName = "tidemark"
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in TidemarkHTTP1Channel(responder: responder, api: api, serverName: serverName) },
            configuration: .init(address: .hostname(api.options.host, port: api.options.port), serverName: serverName),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        if handleSignals {
            try await app.runService()
        } else {
            try await app.runService(gracefulShutdownSignals: [])
        }
    }
}
