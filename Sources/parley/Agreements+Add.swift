import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an agreement as drafted, with its tracks, parties and first term.",
            discussion: """
                Calls parley.add_agreement, then parley.add_agreement_party for each --party, in one transaction: \
                all is recorded or nothing. Its first term runs from entry into force for --term-length, or to \
                --ends-on. Signatures are recorded with `parley agreements sign`. Prints the agreement's code.

                Example:
                  parley agreements add --code energy-moratorium --title "Moratorium on strikes on energy infrastructure" \\
                    --kind announced_understanding --track trilateral --term-length "30 days" \\
                    --party RU:signatory --party UA:signatory --party US:mediator --source kremlin-2025-03-18
                """)

        @Option(help: "The agreement's code.")
        var code: String

        @Option(help: "Its title.")
        var title: String

        @Option(name: .customLong("track"), help: "A track it belongs to (repeat for several; the first is where its alerts are told).")
        var tracks: [String] = []

        @Option(help: "What kind of text it is (default agreement).")
        var kind: AgreementKind?

        @Option(name: .customLong("party"), help: "A party and its role, CODE:ROLE, e.g. UA:signatory or TR:mediator (repeat for several).")
        var parties: [String] = []

        @Option(help: "How sensitive it is (default unclassified; never below its tracks').")
        var classification: Classification?

        @Option(help: "What it says, in a few lines.")
        var summary: String?

        @Option(help: "The clock its terms are read on, an IANA name (default its first track's).")
        var timezone: String?

        @Option(help: "The e-mail of the member of staff who follows it.")
        var owner: String?

        @Option(help: "The code of the source of its text.")
        var source: String?

        @Option(help: "The day it was drafted, YYYY-MM-DD (default unknown).")
        var draftedOn: String?

        @Option(help: "The last day of its first term, YYYY-MM-DD.")
        var endsOn: String?

        @Option(help: "The length of its first term from entry into force, e.g. \"30 days\" or \"1 year\".")
        var termLength: String?

        @Option(help: "How its term renews (default by_decision).")
        var renewal: RenewalKind?

        @Option(help: "For an automatic renewal: how long before the end a party must object, e.g. \"30 days\".")
        var objectionNotice: String?

        func validate() throws {
            try requireDate(draftedOn, option: "--drafted-on")
            try requireDate(endsOn, option: "--ends-on")
            for party in parties {
                let parts = party.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, AgreementRole(rawValue: parts[1]) != nil else {
                    throw ValidationError("--party: \"\(party)\" is not CODE:ROLE; the role is one of "
                        + AgreementRole.allCases.map(\.rawValue).joined(separator: ", ") + ", e.g. UA:signatory.")
                }
            }
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements add")
                try connection.transaction { connection in
                    var call = FunctionCall("add_agreement")
                    call.set("code", code)
                    call.set("title", title)
                    call.set("tracks", tracks)
                    call.set("kind", kind?.rawValue)
                    call.set("classification", classification?.rawValue)
                    call.set("summary", summary)
                    call.set("timezone", timezone)
                    call.set("owner", owner)
                    call.set("source", source)
                    call.set("drafted_on", draftedOn)
                    call.set("ends_on", endsOn)
                    call.set("term_length", termLength)
                    call.set("renewal", renewal?.rawValue)
                    call.set("objection_notice", objectionNotice)
                    let added = try call.run(on: connection)
                    for party in parties {
                        let parts = party.split(separator: ":", maxSplits: 1).map(String.init)
                        var member = FunctionCall("add_agreement_party")
                        member.set("agreement", code)
                        member.set("party", parts[0])
                        member.set("role", parts[1])
                        try member.run(on: connection)
                    }
                    report(added)
                }
            }
        }
    }
}
