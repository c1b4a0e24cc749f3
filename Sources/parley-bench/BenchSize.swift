/// The three sizes of `make bench`, and what each figure does at that size.
///
/// Everything in the generated data scales with the number of commitments (bench/generate.sql): 100 commitments per
/// track, about 5 updates per commitment, a desk officer per 1,000 commitments (at least 50).
enum BenchSize: String, CaseIterable, Sendable {
    case S, M, L

    /// Commitments generated: 10k, 100k, 1M.
    var commitments: Int {
        switch self {
        case .S: 10_000
        case .M: 100_000
        case .L: 1_000_000
        }
    }

    /// Figure 3: changes timed one after another.
    var changeSamples: Int { 1_000 }

    /// Figure 4: deliveries each mailer run (to a directory, and the SQL floor) handles; the sendmail run handles a
    /// quarter of it (a process per message is the slow part there, and its rate settles well before).
    var mailerDeliveries: Int {
        switch self {
        case .S: 5_000
        case .M: 20_000
        case .L: 20_000
        }
    }

    /// Figure 7: commitments one statement changes. The issue asks for 100,000; S has only 10,000 in all.
    var bulkChange: Int { min(100_000, commitments / 2) }

    /// Figure 8: commitments in the imported document.
    var importedCommitments: Int {
        switch self {
        case .S: 2_000
        case .M: 10_000
        case .L: 20_000
        }
    }
}
