/// Tidemark's version, as `/api/v1/status/buildinfo` and `tidemark --version` report it.
public enum BuildInfo {
    public static let version = "0.1.0"
    /// The toolchain, in the place Prometheus reports its Go version.
    public static let toolchain = "swift6.3"
}
