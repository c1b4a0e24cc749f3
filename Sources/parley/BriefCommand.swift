import ArgumentParser
import Foundation
import Parley

extension ParleyCommand {
    /// `parley brief`: the brief to carry into a meeting, as one HTML file (and a PDF through Chromium).
    struct BriefCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "brief",
            abstract: "Write the brief for a meeting, or for a track as it stands: one HTML file that prints on A4.",
            discussion: """
                The brief holds the meeting (when, where, on the venue's clock, who attends and as what), each \
                agenda item with each party's current stance and what changed since the last meeting, the \
                agreements in force, the open and overdue commitments with their progress and the evidence behind \
                the last update, charts of deliveries against target, the disputed figures as ranges with their \
                claimants, compliance per party, the follow-ups due, the timeline since the last meeting, and the \
                sources as numbered references.

                It is written with your login and shows only what you are cleared to see. It is marked, at the top \
                and bottom of every printed page, with the highest classification of what it shows. The file is \
                self-contained (inline style sheet and charts, no scripts, nothing fetched), so it can be mailed \
                or archived as it is.

                --pdf prints it through headless Chromium (chromium --headless --print-to-pdf); without Chromium \
                it stops with status 69 and says how to install it.

                Examples:
                  parley brief ist-r4 -o ist-r4.html
                  parley brief ist-r4 --pdf ist-r4.pdf
                  parley brief --track istanbul --timezone Europe/Kyiv > istanbul.html
                """)

        @Argument(help: "The meeting's code (parley meetings list).")
        var meeting: String?

        @Option(help: "Instead of a meeting: this track as it stands now.")
        var track: String?

        @Option(name: [.short, .customLong("output")], help: "Write the HTML to this file (replaced whole) instead of standard output.")
        var output: String?

        @Option(help: ArgumentHelp("Print the brief to this PDF file through headless Chromium.", valueName: "file"))
        var pdf: String?

        @Option(help: ArgumentHelp("Show times in this time zone too, besides the venue's (e.g. Europe/Kyiv).", valueName: "zone"))
        var timezone: String?

        func validate() throws {
            switch (meeting, track) {
            case (nil, nil): throw ValidationError("Give a meeting's code, or --track CODE for a track as it stands.")
            case (_?, _?): throw ValidationError("Give a meeting's code or --track, not both.")
            default: break
            }
            if let timezone, TimeZone(identifier: timezone) == nil {
                throw ValidationError("--timezone: \"\(timezone)\" is not a time zone; write an IANA name such as Europe/Kyiv.")
            }
            if let pdf, pdf.isEmpty || pdf == "-" {
                throw ValidationError("--pdf: give a file to write the PDF to.")
            }
        }

        func run() throws {
            try runEntry(needs: .reader) {
                // Chromium first: nothing is read from the database for a PDF that cannot be printed.
                let printer: ChromiumPrinter?
                do {
                    printer = try pdf.map { _ in try ChromiumPrinter.find() }
                } catch let error as ChromiumError {
                    printError("parley: \(error.description)")
                    throw ExitCode(error.exitStatus)
                }
                let connection = try connectForReading("brief")
                let subject: Brief.Subject = meeting.map { .meeting($0) } ?? .track(track ?? "")
                let brief: Brief
                do {
                    brief = try Brief.load(subject, readerTimeZone: timezone, on: connection)
                } catch let error as BriefError {
                    throw InputRefusal(message: error.message, hint: error.hint)
                }
                let html = BriefRenderer().html(brief)
                if output != nil || pdf == nil {
                    try writeOutput(html, to: output)
                }
                if let printer, let pdf {
                    do {
                        try printer.printPDF(html: html, to: URL(fileURLWithPath: pdf))
                    } catch let error as ChromiumError {
                        printError("parley: \(error.description)")
                        throw ExitCode(error.exitStatus)
                    }
                }
            }
        }
    }
}
