import Foundation
import PQ
import ParleyTestSupport
import Testing

/// Each rule once (issue 14.1), as a property: for thousands of generated commitments — valid ones, and hostile
/// ones with wrong types, edge dates, over-long text, unknown references, references above the caller and
/// classifications above the caller — `parley.add_commitment` and `parley.import_world` accept exactly the same
/// ones, refuse the others with the same SQLSTATE, field and rule, and a refused file changes nothing.
///
/// One difference is deliberate and left out: a code of C and a number (the code a commitment recorded without one
/// is exported under) is refused by add_commitment and taken back by import, so that an export imports as it was.
///
/// The records are drawn from a fixed seed, so that a failure is repeated by running the test again; the message
/// names the record (its JSON) and both answers.
@Suite struct ImportRecordingAgreementTests {
    /// How many commitments are generated: thousands, one in ten hostile. (The valid ones are imported as one file;
    /// each hostile one is imported alone, which is what the run time is made of.)
    static let recordCount = 2_000
    static let seed: UInt64 = 0x14_01

    /// SplitMix64: a small generator with a seed, so that the records are the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A field's value as the document writes it (JSON) and as a recording function is given it.
    struct Value: Sendable {
        var json: String
        /// The argument of the recording function; nil when the value has no form there (a mapping where text is
        /// taken: only a document can say that).
        var argument: Argument?

        enum Argument: Sendable { case text(String?), list([String]) }

        static func text(_ value: String) -> Value { Value(json: quoted(value), argument: .text(value)) }
        /// A number as the document writes it: bare (`12.5`) or quoted (`"12.5"`); the function is given its text.
        static func number(_ literal: String) -> Value {
            let quoted = literal.hasPrefix("\"") && literal.hasSuffix("\"") && literal.count >= 2
            return Value(json: literal, argument: .text(quoted ? String(literal.dropFirst().dropLast()) : literal))
        }
        static func codes(_ values: [String]) -> Value {
            Value(json: "[" + values.map(quoted).joined(separator: ",") + "]", argument: .list(values))
        }
        static let null = Value(json: "null", argument: .text(nil))

        static func quoted(_ text: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data()
            let array = String(decoding: data, as: UTF8.self)
            return String(array.dropFirst().dropLast())
        }
    }

    /// What makes a record hostile: a rule both must apply, a value of the wrong type (which a recording function's
    /// caller cannot even pass: the cast to its parameter's type fails), or a shape only a document can have.
    enum Hostility: Sendable { case rule, type, shape }

    /// One generated commitment: its fields in the order of add_commitment's parameters, and what was done to it.
    struct Record: Sendable {
        var fields: [(name: String, value: Value)]
        var hostile: [(field: String, kind: Hostility)] = []

        subscript(name: String) -> Value? {
            get { fields.first { $0.name == name }?.value }
            set {
                if let index = fields.firstIndex(where: { $0.name == name }) {
                    if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
                } else if let newValue {
                    fields.append((name, newValue))
                }
            }
        }

        var json: String {
            "{" + fields.map { Value.quoted($0.name) + ":" + $0.value.json }.joined(separator: ",") + "}"
        }
    }

    /// The parameters of add_commitment that a record may give, with the SQL type each is cast to.
    static let parameters: [(name: String, type: String)] = [
        ("code", "text"), ("track", "text"), ("item", "text"), ("obligor", "text"), ("beneficiaries", "text[]"),
        ("text", "text"), ("made_on", "date"), ("due_on", "date"), ("target_quantity", "numeric"), ("unit", "text"),
        ("owner", "text"), ("classification", "parley.classification"), ("source", "text"), ("meeting", "text"),
    ]

    /// What a call said: accepted, or refused with its SQLSTATE, field and rule.
    enum Answer: Equatable, CustomStringConvertible {
        case accepted
        case refused(state: String, field: String, rule: String)

        var description: String {
            switch self {
            case .accepted: return "accepted"
            case let .refused(state, field, rule): return "refused \(state) field \(field) rule \(rule)"
            }
        }

        var rule: String? { if case let .refused(_, _, rule) = self { return rule } else { return nil } }
        var field: String? { if case let .refused(_, field, _) = self { return field } else { return nil } }
        var state: String? { if case let .refused(state, _, _) = self { return state } else { return nil } }
    }

    // The records ----------------------------------------------------------------------------------------------

    static func day(_ generator: inout SeededGenerator) -> String {
        let year = Int.random(in: 2020...2026, using: &generator)
        let month = Int.random(in: 1...12, using: &generator)
        let day = Int.random(in: 1...28, using: &generator)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// A valid commitment on one of the two tracks the caller may see, with some of its optional fields.
    static func validRecord(_ number: Int, _ generator: inout SeededGenerator) -> Record {
        let onIstanbul = Bool.random(using: &generator)
        var record = Record(fields: [
            ("code", .text("pc-\(number)")),
            ("track", .text(onIstanbul ? "ist" : "gen")),
            ("item", .text(onIstanbul ? "pow" : "grain")),
            ("obligor", .text("RU")),
            ("beneficiaries", .codes(Bool.random(using: &generator) ? ["UA"] : ["UA", "TR"])),
            ("text", .text(["Release prisoners", "Open the corridor — Київ", "Çırağan 😀", String(repeating: "x", count: 10_000)]
                .randomElement(using: &generator) ?? "x")),
        ])
        let edge = Int.random(in: 0..<10, using: &generator)
        let made = edge == 0 ? "2024-02-29" : edge == 1 ? "0001-01-01" : day(&generator)
        record["made_on"] = .text(made)
        if Bool.random(using: &generator) {
            record["due_on"] = .text(edge == 2 ? "9999-12-31" : edge == 1 ? "0001-01-02" : made)
        }
        if Bool.random(using: &generator) {
            record["target_quantity"] = .number(["1000", "0.5", "12", "\"250\""].randomElement(using: &generator) ?? "1")
            record["unit"] = .text("prisoners")
        }
        if Int.random(in: 0..<4, using: &generator) == 0 { record["owner"] = .text("ann@example.org") }
        record["classification"] = .text(Bool.random(using: &generator) ? "unclassified" : "restricted")
        if Int.random(in: 0..<4, using: &generator) == 0 { record["source"] = .text("src") }
        if Int.random(in: 0..<4, using: &generator) == 0 { record["meeting"] = .text(onIstanbul ? "m1" : "m2") }
        return record
    }

    /// The ways a record is made hostile; each names the field it breaks.
    static let hostilities: [(field: String, kind: Hostility, change: @Sendable (inout Record) -> Void)] = [
        ("code", .rule, { $0["code"] = .text("has space") }),
        ("code", .rule, { $0["code"] = .text(String(repeating: "a", count: 41)) }),
        ("track", .rule, { $0["track"] = .text("nowhere") }),
        ("track", .rule, { $0["track"] = .text("sec") }),  // secret: above the caller, so it does not exist
        ("item", .rule, { $0["item"] = .text("nothing") }),
        ("item", .rule, { $0["item"] = .text($0["track"]?.json == "\"ist\"" ? "grain" : "pow") }),  // off the agenda
        ("obligor", .rule, { $0["obligor"] = .text("XX") }),
        ("beneficiaries", .rule, { $0["beneficiaries"] = .codes([]) }),
        ("beneficiaries", .rule, { $0["beneficiaries"] = .codes(["UA", "ZZ"]) }),
        ("beneficiaries", .rule, { $0["beneficiaries"] = .codes(["RU"]) }),  // owed to itself
        ("text", .rule, { $0["text"] = .text("") }),
        ("text", .rule, { $0["text"] = .text("   ") }),
        ("text", .rule, { $0["text"] = .text(String(repeating: "ж", count: 10_001)) }),
        ("made_on", .rule, { $0["made_on"] = .null }),
        ("due_on", .rule, { $0["made_on"] = .text("2025-05-16"); $0["due_on"] = .text("2025-05-15") }),
        ("target_quantity", .rule, { $0["target_quantity"] = .number("-5"); $0["unit"] = .text("prisoners") }),
        ("target_quantity", .rule, { $0["target_quantity"] = .number("0"); $0["unit"] = .text("prisoners") }),
        ("target_quantity", .rule, { $0["target_quantity"] = .number("\"NaN\""); $0["unit"] = .text("prisoners") }),
        ("target_quantity", .rule, { $0["target_quantity"] = .number("\"Infinity\""); $0["unit"] = .text("prisoners") }),
        ("unit", .rule, { $0["target_quantity"] = .number("10"); $0["unit"] = .text(String(repeating: "u", count: 301)) }),
        ("unit", .rule, { $0["target_quantity"] = .number("10"); $0["unit"] = .text("two\nlines") }),
        ("owner", .rule, { $0["owner"] = .text("nobody@example.org") }),
        ("owner", .rule, { $0["owner"] = .text("gone@example.org") }),  // deactivated
        ("classification", .rule, { $0["classification"] = .text("confidential") }),  // above the caller
        ("classification", .rule, { $0["classification"] = .text("secret") }),
        ("source", .rule, { $0["source"] = .text("no-such-source") }),
        ("meeting", .rule, { $0["meeting"] = .text("no-such-meeting") }),
        ("meeting", .rule, { $0["meeting"] = .text("msec") }),  // secret
        ("meeting", .rule, { $0["meeting"] = .text($0["track"]?.json == "\"ist\"" ? "m2" : "m1") }),  // another track's
        ("made_on", .type, { $0["made_on"] = .text("2023-02-29") }),
        ("made_on", .type, { $0["made_on"] = .text("16/05/2025") }),
        ("due_on", .type, { $0["due_on"] = .text("2025-13-01") }),
        ("due_on", .type, { $0["due_on"] = .text("2025-04-31") }),
        ("target_quantity", .type, { $0["target_quantity"] = .number("\"12,5\""); $0["unit"] = .text("prisoners") }),
        ("target_quantity", .type, { $0["target_quantity"] = .number("\"many\""); $0["unit"] = .text("prisoners") }),
        ("classification", .type, { $0["classification"] = .text("top-secret") }),
        ("text", .shape, { $0["text"] = Value(json: "{\"en\": \"Release\"}", argument: nil) }),
        ("text", .shape, { $0["text"] = Value(json: "[\"Release\"]", argument: nil) }),
        ("beneficiaries", .shape, { $0["beneficiaries"] = Value(json: "[{\"code\": \"UA\"}]", argument: nil) }),
        ("beneficiaries", .shape, { $0["beneficiaries"] = Value(json: "true", argument: nil) }),
        ("colour", .shape, { $0["colour"] = Value(json: "\"red\"", argument: nil) }),  // no such field
    ]

    /// Records `0..<count`: nine in ten valid, the others with one or two hostile changes.
    static func records(count: Int, seed: UInt64) -> [Record] {
        var generator = SeededGenerator(state: seed)
        return (0..<count).map { number in
            var record = validRecord(number, &generator)
            let changes = Int.random(in: 0..<20, using: &generator) < 18 ? 0 : Int.random(in: 1...2, using: &generator)
            for _ in 0..<changes {
                let hostility = hostilities.randomElement(using: &generator) ?? hostilities[0]
                let before = record.fields.map { "\($0.name)=\($0.value.json)" }
                hostility.change(&record)
                // A change may undo an earlier one (a new made_on and due_on): only what is still there counts.
                let changed = Set(record.fields.map { "\($0.name)=\($0.value.json)" }).symmetricDifference(before)
                    .map { String($0.prefix { $0 != "=" }) }
                record.hostile.removeAll { changed.contains($0.field) }
                record.hostile.append((hostility.field, hostility.kind))
            }
            return record
        }
    }

    // The two ways of recording ----------------------------------------------------------------------------------

    static func answer(_ error: any Error) -> Answer {
        guard let error = error as? PQError, let state = error.sqlState?.rawValue else {
            return .refused(state: "?", field: "?", rule: "\(error)")
        }
        return .refused(state: state, field: error.column ?? "", rule: error.constraint ?? "")
    }

    /// add_commitment with the record's fields, each cast to its parameter's type as a caller would; undone.
    static func recordingAnswer(_ record: Record, on connection: Connection) throws -> Answer {
        var arguments: [String] = []
        var values: [any PQEncodable] = []
        for parameter in parameters {
            guard let value = record[parameter.name] else { continue }
            switch value.argument {
            case let .text(text)?: values.append(text)
            case let .list(list)?: values.append(list)
            case nil: return .accepted  // not a value a recording function can be given
            }
            arguments.append("\(parameter.name) => $\(values.count)::\(parameter.type)")
        }
        try connection.execute("begin")
        defer { _ = try? connection.execute("rollback") }
        do {
            _ = try connection.query("select parley.add_commitment(\(arguments.joined(separator: ", ")))", values)
            return .accepted
        } catch {
            return answer(error)
        }
    }

    /// import_world with a document of `records`; undone unless `keep`. A refusal's field is its path in the list.
    static func importAnswer(_ records: [Record], on connection: Connection, keep: Bool = false) throws -> Answer {
        let document = "{\"commitments\": [" + records.map(\.json).joined(separator: ",") + "]}"
        if !keep { try connection.execute("begin") }
        defer { if !keep { _ = try? connection.execute("rollback") } }
        do {
            _ = try connection.query("select parley.import_world($1::jsonb)", [document])
            return .accepted
        } catch {
            return answer(error)
        }
    }

    /// The field of a refusal of record `index` of an import: `commitments[3].due_on` is `due_on` of record 3.
    /// An element of a list is named by its place (`beneficiaries[1]`), where a recording function names the list.
    static func field(ofPath path: String, index: Int) -> String? {
        let prefix = "commitments[\(index)]."
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count)).replacing(/\[[0-9]+\]$/, with: "")
    }

    // The fixture ------------------------------------------------------------------------------------------------

    /// Parties, people, a source, two tracks the caller sees with an item each, a secret track, meetings (one
    /// secret), and a writer cleared to restricted: the caller of both ways.
    static func prepare(_ connection: Connection, login: String) throws {
        try connection.executeScript("""
            select parley.add_party('UA', 'Ukraine'), parley.add_party('RU', 'Russia'), parley.add_party('TR', 'Türkiye');
            select parley.add_person(email => 'ann@example.org', name => 'Ann');
            select parley.add_person(email => 'gone@example.org', name => 'Gone');
            select parley.deactivate_person('gone@example.org');
            select parley.add_source(code => 'src', title => 'A source');
            select parley.add_track(code => 'ist', name => 'Istanbul', format => 'bilateral');
            select parley.add_track(code => 'gen', name => 'Geneva', format => 'bilateral');
            select parley.add_track(code => 'sec', name => 'Secret', format => 'bilateral', classification => 'secret');
            select parley.add_agenda_item(code => 'pow', title => 'Prisoners', track => 'ist');
            select parley.add_agenda_item(code => 'grain', title => 'Grain', track => 'gen');
            select parley.add_agenda_item(code => 'hidden', title => 'Hidden', track => 'sec');
            select parley.add_meeting(code => 'm1', track => 'ist', title => 'Round 1', starts_at => '2025-05-16 10:00+03');
            select parley.add_meeting(code => 'm2', track => 'gen', title => 'Round 1', starts_at => '2025-05-16 10:00+03');
            select parley.add_meeting(code => 'msec', track => 'ist', title => 'Aside', starts_at => '2025-05-17 10:00+03',
                                      classification => 'secret');
            create role \(login) login;
            grant parley_writer, parley_clearance_restricted to \(login);
            """, name: "agreement fixture")
    }

    // The property -----------------------------------------------------------------------------------------------

    @Test func recordingAndImportAcceptAndRefuseTheSameRecords() throws {
        let login = "agree_" + UUID().uuidString.prefix(8).lowercased()
        try TestDatabase.with { database in
            let admin = try database.connect()
            try Self.prepare(admin, login: login)
            defer { _ = try? admin.execute("drop role if exists \(login)") }
            let caller = try Connection(conninfo: database.conninfo + " user=\(login)", applicationName: "agreement-test")

            let records = Self.records(count: Self.recordCount, seed: Self.seed)
            var accepted: [Record] = []
            var refused: [(record: Record, answer: Answer)] = []
            var rulesSeen: Set<String> = []
            var disagreements: [String] = []
            for record in records {
                let byRecording = try Self.recordingAnswer(record, on: caller)
                let kinds = Set(record.hostile.map(\.kind))
                if kinds.contains(.shape) {
                    // Only a document can say this: import refuses it, naming one of the fields made wrong.
                    let byImport = try Self.importAnswer([record], on: caller)
                    let field = byImport.field.flatMap { Self.field(ofPath: $0, index: 0) }
                    let wrong = Set(record.hostile.filter { $0.kind != .rule }.map(\.field))
                    if !(byImport.rule?.hasPrefix("import_") == true && field.map(wrong.contains) == true) {
                        disagreements.append("\(record.json.prefix(300))\n  import: \(byImport); made wrong: \(wrong.sorted())")
                    }
                    continue
                }
                if kinds.contains(.type) {
                    // The caller's cast fails before the function runs (a data exception, class 22); import names
                    // the field with a rule of the document.
                    let byImport = try Self.importAnswer([record], on: caller)
                    let field = byImport.field.flatMap { Self.field(ofPath: $0, index: 0) }
                    let wrong = Set(record.hostile.filter { $0.kind == .type }.map(\.field))
                    if !(byRecording.state?.hasPrefix("22") == true && byImport.state?.hasPrefix("22") == true
                         && byImport.rule?.hasPrefix("import_") == true && field.map(wrong.contains) == true) {
                        disagreements.append("\(record.json.prefix(300))\n  recording: \(byRecording)\n  import:    \(byImport)")
                    }
                    rulesSeen.insert(byImport.rule ?? "")
                    continue
                }
                if byRecording == .accepted {
                    accepted.append(record)
                } else {
                    refused.append((record, byRecording))
                }
            }
            // Each refused record alone: the same SQLSTATE, field and rule.
            for (record, byRecording) in refused {
                let byImport = try Self.importAnswer([record], on: caller)
                rulesSeen.insert(byRecording.rule ?? "")
                let asRecorded: Answer = switch byImport {
                case .accepted: .accepted
                case let .refused(state, path, rule): .refused(state: state, field: Self.field(ofPath: path, index: 0) ?? path, rule: rule)
                }
                if asRecorded != byRecording {
                    disagreements.append("\(record.json.prefix(300))\n  recording: \(byRecording)\n  import:    \(byImport)")
                }
            }

            let checksum = try admin.dataChecksum()
            // A file of every accepted record with one refused record in it is refused whole, and changes nothing.
            var generator = SeededGenerator(state: Self.seed ^ 0xF11E)
            for (record, byRecording) in refused.shuffled(using: &generator).prefix(3) {
                var file = accepted
                let position = Int.random(in: 0...file.count, using: &generator)
                file.insert(record, at: position)
                let byImport = try Self.importAnswer(file, on: caller, keep: true)
                #expect(byImport.rule == byRecording.rule && byImport.field.flatMap { Self.field(ofPath: $0, index: position) } == byRecording.field,
                        "a file with \(record.json.prefix(200)) at \(position): \(byImport), alone it was \(byRecording)")
                #expect(try admin.dataChecksum() == checksum, "a refused import changed the data")
            }
            // The accepted records, all in one file, are all recorded.
            let byImport = try Self.importAnswer(accepted, on: caller, keep: true)
            #expect(byImport == .accepted, "the file of every record add_commitment accepts: \(byImport)")
            let imported: Int = try admin.query(
                "select count(*)::int from parley_data.commitments where code like 'pc-%'")[0].decode(0)
            #expect(imported == accepted.count)

            print("import/recording agreement: \(records.count) records, \(accepted.count) accepted, "
                  + "\(records.count - accepted.count) refused under \(rulesSeen.count) rules; \(disagreements.count) disagree")
            #expect(accepted.count > records.count / 2 && refused.count > records.count / 20, "the mix is too one-sided")
            #expect(rulesSeen.count >= 20, "only \(rulesSeen.count) rules were exercised: \(rulesSeen.sorted())")
            let shown = disagreements.prefix(15).joined(separator: "\n")
            #expect(disagreements.isEmpty, "\(disagreements.count) records are answered differently:\n\(shown)")
        }
    }
}
