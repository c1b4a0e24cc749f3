import Foundation
import PQ
@testable import Parley
import ParleyTestSupport
import Testing
@testable import parley

/// One vocabulary (issue 14.3): the database's enum types are the list, and every Swift enum that stands for one
/// says the same words in the same order (order matters: classifications and severities are compared by it).
@Suite struct VocabularyTests {
    /// A Swift enum and the SQL enum type it stands for.
    struct Pairing: Sendable, CustomStringConvertible {
        let swiftName: String
        let sqlType: String
        let words: [String]

        init<E: CaseIterable & RawRepresentable>(_ type: E.Type, _ sqlType: String) where E.RawValue == String {
            swiftName = String(reflecting: type)
            self.sqlType = sqlType
            words = type.allCases.map(\.rawValue)
        }

        var description: String { "\(swiftName) ↔ parley.\(sqlType)" }
    }

    /// Every Swift enum that stands for an SQL enum: a new one is one line here (the test below fails until it is).
    static let pairings: [Pairing] = [
        // The command line's choices (Sources/parley/Vocabulary).
        Pairing(AgendaStatus.self, "agenda_status"),
        Pairing(AgreementKind.self, "agreement_kind"),
        Pairing(AgreementRole.self, "agreement_role"),
        Pairing(AgreementStatus.self, "agreement_status"),
        Pairing(parley.AlertKind.self, "alert_kind"),
        Pairing(parley.Classification.self, "classification"),
        Pairing(CommitmentStatus.self, "commitment_status"),
        Pairing(Confidence.self, "confidence"),
        Pairing(MeetingStatus.self, "meeting_status"),
        Pairing(MemberRole.self, "member_role"),
        Pairing(PartyKind.self, "party_kind"),
        Pairing(RenewalKind.self, "renewal_kind"),
        Pairing(parley.Severity.self, "severity"),
        Pairing(Stance.self, "stance"),
        Pairing(TrackFormat.self, "track_format"),
        Pairing(TrackStatus.self, "track_status"),
        Pairing(Verification.self, "verification"),
        // The library's (Sources/Parley).
        Pairing(DigestEntry.AlertKind.self, "alert_kind"),
        Pairing(DigestEntry.Severity.self, "severity"),
        Pairing(DigestEntry.Classification.self, "classification"),
        Pairing(DaemonStateMachine.Role.self, "daemon_role"),
    ]

    @Test(arguments: pairings)
    func swiftEnumSaysWhatItsSQLTypeSays(pairing: Pairing) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let sqlWords: [String] = try connection.query(
                "select unnest(enum_range(null::parley.\(pairing.sqlType)))::text as word").map { try $0.decode("word") }
            #expect(pairing.words == sqlWords, "\(pairing): Swift has \(pairing.words), SQL has \(sqlWords)")
        }
    }

    /// Every enum of Sources/parley/Vocabulary is paired, so a new choice cannot be added without its check.
    @Test func everyVocabularyEnumIsPaired() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/parley/Vocabulary").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty, "no Swift files in \(directory.path)")
        let declaration = /enum\s+(\w+)\s*:\s*String/
        var declared: Set<String> = []
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: declaration) { declared.insert("parley." + String(match.1)) }
        }
        let paired = Set(Self.pairings.map(\.swiftName))
        let missing = declared.subtracting(paired).sorted()
        #expect(missing.isEmpty, "enums of Sources/parley/Vocabulary with no SQL type paired: \(missing)")
    }

    /// Every enum type of the database that the command line offers as a choice has a Swift enum; the others are
    /// the database's own bookkeeping (alert states, subjects, delivery states, the kinds of a participation
    /// change), never typed by a person, or typed only in SQL (how two agreements relate: the command line has no
    /// command for it).
    @Test func everySQLEnumIsPairedOrInternal() throws {
        let internalTypes: Set<String> = ["alert_state", "alert_subject", "delivery_state", "participation_change",
                                          "agreement_relation"]
        try TestDatabase.with { database in
            let connection = try database.connect()
            let sqlTypes: [String] = try connection.query(
                "select typname::text as name from pg_type where typnamespace = 'parley'::regnamespace and typtype = 'e'")
                .map { try $0.decode("name") }
            let paired = Set(Self.pairings.map(\.sqlType))
            let unpaired = Set(sqlTypes).subtracting(paired).subtracting(internalTypes).sorted()
            #expect(unpaired.isEmpty, "SQL enum types with no Swift enum: \(unpaired)")
        }
    }

    /// Which statuses are live is said once, by parley_data.commitment_is_live: no view or function of the
    /// database writes out a list of three or more commitment statuses (a live list or its complement) itself.
    @Test func liveStatusesAreSaidOnce() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let offenders: [String] = try connection.query(
                """
                with statuses as (select string_agg(s::text, '|') as alternatives
                                    from unnest(enum_range(null::parley.commitment_status)) s),
                     definitions as (
                    select p.oid::regprocedure::text as name, pg_get_functiondef(p.oid) as body
                      from pg_proc p
                     where p.pronamespace in ('parley'::regnamespace, 'parley_data'::regnamespace) and p.prokind in ('f', 'p')
                       and p.oid <> 'parley_data.commitment_is_live(parley.commitment_status)'::regprocedure
                    union all
                    select c.oid::regclass::text, pg_get_viewdef(c.oid)
                      from pg_class c
                     where c.relnamespace in ('parley'::regnamespace, 'parley_data'::regnamespace) and c.relkind in ('v', 'm'))
                select d.name
                  from definitions d, statuses s
                 where d.body ~ format('''(%1$s)''[^'']{0,40}''(%1$s)''[^'']{0,40}''(%1$s)''', s.alternatives)
                 order by 1
                """).map { try $0.decode("name") }
            #expect(offenders.isEmpty, "written-out lists of commitment statuses in: \(offenders)")
        }
    }
}
