import Foundation
import PQ
import ParleyTestSupport
import Testing
@testable import Parley

/// Agreement alerts as the mailer reads them: planned by the database, their digest rows decoded with the
/// agreement, its current term and the event told, and rendered.
@Suite struct MailAgreementDatabaseTests {
    @Test func aTermEndingAndAWithdrawalReachTheDigestWithTheirAgreement() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try connection.execute("select parley.add_source(code => 'kremlin', title => 'Kremlin readout', url => 'https://example.org/k')")
            // In force since 20 days ago for 25 days: its term ends in 4 days (Istanbul's clock).
            for statement in [
                "select parley.add_agreement(code => 'ag-mor', title => 'Energy moratorium', tracks => array['istanbul'], term_length => '25 days', owner => '\(TestWorld.owner)')",
                "select parley.add_agreement_party('ag-mor', 'TR', 'mediator')",
                "select parley.sign_agreement('ag-mor', 'UA', current_date - 20)",
                "select parley.sign_agreement('ag-mor', 'RU', current_date - 20)",
                "select parley.enter_into_force('ag-mor', current_date - 20)",
                "select parley.withdraw_from_agreement('ag-mor', 'RU', announced_on => current_date, source => 'kremlin', note => 'No longer bound')",
            ] {
                try connection.execute(statement)
            }
            let at: Date = try connection.value("select now()")
            try connection.execute("select * from parley.plan_alerts($1)", [at])

            let entries = try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: TestWorld.owner)
            let ending = try #require(entries.first { $0.kind == .termEnding })
            #expect(ending.subjectType == "agreement")
            #expect(ending.subjectCode == "ag-mor")
            let agreement = try #require(ending.details?.agreement)
            #expect(agreement.title == "Energy moratorium")
            #expect(agreement.termNumber == 1)
            #expect(agreement.timezone == "Europe/Istanbul")
            #expect(agreement.parties?.contains("Türkiye (mediator)") == true)
            #expect(ending.details?.track?.code == "istanbul")

            let withdrawal = try #require(entries.first { $0.kind == .agreementWithdrawal })
            #expect(withdrawal.severity == .critical)
            #expect(withdrawal.details?.agreement?.event?.hasPrefix("Russia withdrew from the agreement") == true)
            #expect(withdrawal.details?.agreement?.event?.hasSuffix("No longer bound") == true)
            #expect(withdrawal.details?.agreement?.eventSourceURL == "https://example.org/k")

            let digest = Digest(recipient: withdrawal.recipient, entries: entries, writtenAt: at)
            let renderer = DigestRenderer(
                from: MailAddress(displayName: "Parley", address: "parley@mfa.example")!,
                installation: try MailerQueries.installationID(connection))
            let body = renderer.body(for: digest)
            #expect(body.contains("WITHDRAWAL FROM AN AGREEMENT — Istanbul direct talks — Energy moratorium"))
            #expect(body.contains("AGREEMENT TERM ENDS IN"))
        }
    }
}
