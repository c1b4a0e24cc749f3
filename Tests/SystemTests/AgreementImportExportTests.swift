import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley export` and `parley import` carry agreements: the demo with its agreements (examples/demo.yaml and
/// examples/agreements.sql), and a history with renewals, claims, suspensions, a withdrawal that closed a provision
/// and a supersession, exported, imported into an empty database and exported again give the same bytes; importing
/// the export again changes nothing (no table, no alert queue); a document with one refused agreement writes
/// nothing; an agreement above the importer's clearance is treated as absent.
@Suite struct AgreementImportExportTests {
    /// More history than the demo has: every kind of event the format carries.
    static let moreHistory = """
        begin;
        set local search_path = parley, pg_catalog;
        select add_agreement(code => 'rt-auto', title => 'Round-trip arrangement', tracks => array['trilateral', 'istanbul'],
                             kind => 'exchange_of_letters', term_length => '3 months', renewal => 'automatic',
                             objection_notice => '14 days', drafted_on => '2025-01-10', source => 'pravda-2025-06-02',
                             classification => 'restricted');
        select add_agreement_party(agreement => 'rt-auto', party => 'US', role => 'guarantor', note => 'Guarantees it.');
        select sign_agreement(agreement => 'rt-auto', party => 'UA', signed_on => '2025-01-15', signed_at => 'Geneva',
                              source => 'turkiyetoday-2026-02');
        select sign_agreement(agreement => 'rt-auto', party => 'RU', signed_on => '2025-01-16');
        select enter_into_force(agreement => 'rt-auto', in_force_on => '2025-02-01', note => 'On the first of the month.');
        select renew_agreement(agreement => 'rt-auto', term_length => '3 months', agreed_by => array['UA', 'RU'],
                               agreed_on => '2025-04-20', source => 'pravda-2025-06-02', note => 'First renewal.');
        select claim_term(agreement => 'rt-auto', claimant => 'RU', stated_on => '2025-04-25', ends_on => '2025-06-30',
                          statement => 'Only two months.');
        select suspend_agreement(agreement => 'rt-auto', party => 'RU', announced_on => '2025-05-01', effective_on => '2025-05-03');
        select resume_agreement(agreement => 'rt-auto', party => 'RU', announced_on => '2025-05-10');
        select suspend_agreement(agreement => 'rt-auto', announced_on => '2025-05-12', note => 'Whole.');
        select resume_agreement(agreement => 'rt-auto', announced_on => '2025-05-20');
        select add_commitment(track => 'trilateral', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                              text => 'Round-trip provision.', made_on => '2025-02-01', due_on => '2025-12-31', code => 'rt-prov-ru');
        select add_provision(agreement => 'rt-auto', commitment => 'rt-prov-ru', article => 'Art. 1');
        select withdraw_from_agreement(agreement => 'rt-auto', party => 'RU', announced_on => '2025-06-01',
                                       effective_on => '2025-06-15', note => 'Walks out.');
        select add_agreement(code => 'rt-next', title => 'Its successor', tracks => array['trilateral']);
        select relate_agreements(agreement => 'rt-next', relation => 'amends', related => 'tri-exchange', note => 'Amends it.');
        select relate_agreements(agreement => 'ist-memo-ua', relation => 'mirrors', related => 'ist-memo-ru');
        select end_agreement(agreement => 'rt-auto', status => 'superseded', ended_on => '2025-07-01',
                             superseded_by => 'rt-next', party => 'UA');
        commit;
        """

    static func run(_ arguments: [String], _ database: TestDatabase, environment: [String: String]? = nil) throws -> ProgramRun {
        try ProgramRun.run("parley", arguments, environment: environment ?? database.environment)
    }

    /// Every table of parley_data (agreements, their alerts and the change history included), as one checksum.
    static func everything(_ connection: Connection) throws -> String {
        let tables = try connection.query("""
            select c.relname::text as name from pg_class c
             where c.relnamespace = 'parley_data'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
             order by 1
            """).map { try $0.decode("name", as: String.self) }
        var parts: [String] = []
        for table in tables {
            let sum: String = try connection.query(
                "select coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as sum from parley_data.\(table) t")[0]
                .decode("sum")
            parts.append("\(table):\(sum)")
        }
        return parts.joined(separator: "\n")
    }

    static func file(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-agreements-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test(arguments: ["yaml", "json"])
    func theDemoWithItsAgreementsRoundTripsByteForByte(_ format: String) throws {
        try TestDatabase.with { first in
            let c = try AgreementDemoTests.loadDemo(first)
            try c.executeScript(Self.moreHistory, name: "more history")
            let exported = try Self.run(["export", "--format", format], first)
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(exported.stdout.contains("energy-moratorium"))
            #expect(exported.stdout.contains("Only two months."))
            let path = try Self.file("world.\(format)", exported.stdout)
            try TestDatabase.with { second in
                let imported = try Self.run(["import", path], second)
                #expect(imported.status == 0, "\(imported.stderr)")
                #expect(imported.stdout.contains("agreements 7"), "\(imported.stdout)")
                let again = try Self.run(["export", "--format", format], second)
                #expect(again.status == 0, "\(again.stderr)")
                #expect(again.stdout == exported.stdout)

                // What the views make of them is the same too.
                let views = """
                    select string_agg(code || ':' || status || ':' || coalesce(implementation_pct::text, '-'), ' ' order by code)
                      from parley.agreements
                    """
                #expect(try second.connect().value(views, as: String.self) == (try c.value(views, as: String.self)))

                // Importing it again, into either database, changes nothing and queues no alert.
                for database in [first, second] {
                    let connection = try database.connect()
                    let before = try Self.everything(connection)
                    let repeated = try Self.run(["import", path], database)
                    #expect(repeated.status == 0, "\(repeated.stderr)")
                    #expect(repeated.stdout.contains(" 0 new, 0 changed,"), "\(repeated.stdout)")
                    #expect(try Self.everything(connection) == before)
                }
            }
        }
    }

    @Test func aDocumentWithOneRefusedAgreementWritesNothing() throws {
        try TestDatabase.with { database in
            _ = try AgreementDemoTests.loadDemo(database)
            let connection = try database.connect()
            let before = try Self.everything(connection)
            let path = try Self.file("two.yaml", """
                parley: 1
                agreements:
                  - code: fine-one
                    title: A fine one
                    tracks: [istanbul]
                  - code: ended-then-renewed
                    title: Renewed after it expired
                    tracks: [istanbul]
                    history:
                      - status: drafted
                      - status: in_force
                        happened_on: 2025-01-01
                      - status: expired
                        happened_on: 2025-02-01
                    terms:
                      - ends_on: 2025-01-31
                      - agreed_on: 2025-03-01
                        ends_on: 2025-06-30
                """)
            let run = try Self.run(["import", path], database)
            #expect(run.status == Sysexits.dataError, "\(run.stderr)")
            #expect(run.stderr.contains(path + ":17: agreements[1].terms[1]: agreement \"ended-then-renewed\" expired on 2025-02-01"),
                    "\(run.stderr)")
            #expect(try Self.everything(connection) == before)
        }
    }

    @Test func anAgreementAboveTheImportersClearanceIsTreatedAsAbsent() throws {
        try TestDatabase.with { database in
            let connection = try AgreementDemoTests.loadDemo(database)
            try connection.execute("""
                select parley.add_agreement(code => 'hidden-deal', title => 'The secret one', tracks => array['istanbul'],
                                            classification => 'secret')
                """)
            let writer = "agreement_writer_" + UUID().uuidString.prefix(8).lowercased()
            try connection.execute("create role \(try connection.escapeIdentifier(writer)) login in role parley_writer")
            defer {
                _ = try? connection.execute("drop owned by \(writer)")
                _ = try? connection.execute("drop role \(writer)")
            }
            var environment = database.environment
            environment["PARLEY_DATABASE_URL"] = database.conninfo + " user=\(writer)"

            let exported = try Self.run(["export"], database, environment: environment)
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(!exported.stdout.contains("hidden-deal"))
            #expect(exported.stdout.contains("code: ist-humanitarian"))

            let path = try Self.file("hidden.yaml", """
                parley: 1
                agreements:
                  - code: hidden-deal
                    title: An open one
                    tracks: [istanbul]
                """)
            let run = try Self.run(["import", path], database, environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("1 new, 0 changed"), "\(run.stdout)")
            #expect(try connection.value("""
                select string_agg(classification || '=' || title, ' ' order by classification)
                  from parley_data.agreements where code = 'hidden-deal'
                """, as: String.self) == "unclassified=An open one secret=The secret one")
        }
    }
}
