import CLibPQ

/// Receives the notices of one connection instead of libpq's default of printing them to stderr.
///
/// Ordinary notices (`NOTICE`, `WARNING`) are dropped. A `FATAL` or `PANIC` message arriving while the connection
/// is idle — the server telling why it is about to close the connection, e.g. 57P01 after `pg_terminate_backend` —
/// is kept so that the `.connectionLost` error can carry it.
final class NoticeSink {
    /// The last FATAL or PANIC message the server sent outside a query.
    var lastFatal: PQError?

    /// Installs `self` as the notice receiver of `connection`; the connection must not outlive `self`.
    func install(on connection: OpaquePointer) {
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
            let error = PQError(serverFieldsOf: result, kind: .connectionLost)
            if error.severity == "FATAL" || error.severity == "PANIC" {
                sink.lastFatal = error
            }
        }, Unmanaged.passUnretained(self).toOpaque())
    }
}
