#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TidemarkQuery

/// Ctrl-C handling for the interactive REPL: once installed, SIGINT no longer ends the
/// process; it triggers `cancellation` (stopping the running query, if any) and is
/// remembered so the line editor can drop the line being typed. The handler does only
/// atomic operations (async-signal-safe).
enum InterruptSignal {
    /// What Ctrl-C cancels; the REPL session runs its queries with it.
    static let cancellation = QueryCancellation()

    private final class Pending: Sendable {
        let count = Atomic<Int>(0)
    }
    private static let pending = Pending()

    /// Installs the handler, without SA_RESTART: a blocking read returns EINTR, and the
    /// line editor gives back control.
    static func install() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in InterruptSignal.fire() }
        #else
        action.__sigaction_u.__sa_handler = { _ in InterruptSignal.fire() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have started us with SIGINT blocked (the mask is inherited).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    private static func fire() {
        pending.count.add(1, ordering: .relaxed)
        cancellation.cancel()
    }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    static func takePending() -> Bool {
        pending.count.exchange(0, ordering: .relaxed) > 0
    }
}
