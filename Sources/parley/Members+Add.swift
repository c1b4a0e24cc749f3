import ArgumentParser
import Parley

extension ParleyCommand.Members {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a party takes part in a track, and as what.",
            discussion: """
                Calls parley.add_member.

                Example:
                  parley members add --track istanbul --party TR --role host --note "Chaired by Hakan Fidan"
                """)

        @Option(help: "The track's code.")
        var track: String

        @Option(help: "The party's code.")
        var party: String

        @Option(help: "The party's role on the track.")
        var role: MemberRole

        @Option(help: "A note on the role.")
        var note: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("members add")
                var call = FunctionCall("add_member")
                call.set("track", track)
                call.set("party", party)
                call.set("role", role.rawValue)
                call.set("note", note)
                try call.run(on: connection)
            }
        }
    }
}
