import Foundation
import Testing
@testable import Parley

/// The mailer's settings from the environment: defaults, and refusals that name the variable.
@Suite struct MailSettingsTests {
    @Test func defaultsFromTheHostName() throws {
        let settings = try MailSettings.fromEnvironment([:], hostName: "parley.mfa.example")
        #expect(settings.from == MailAddress(displayName: "Parley", address: "parley@parley.mfa.example"))
        #expect(settings.maxClassification == .restricted)
        #expect(settings.sendmailPath == "/usr/sbin/sendmail")
        #expect(settings.sendmailTimeout == .seconds(60))
        #expect(settings.lease == .seconds(300))
        #expect(settings.concurrency == 4)
    }

    @Test func everyVariableIsRead() throws {
        let settings = try MailSettings.fromEnvironment([
            "PARLEY_MAIL_FROM": "\"Parley, MFA\" <alerts@mfa.example>",
            "PARLEY_MAIL_MAX_CLASSIFICATION": "Confidential",
            "PARLEY_SENDMAIL": "/usr/bin/msmtp",
            "PARLEY_SENDMAIL_TIMEOUT": "120",
            "PARLEY_MAIL_CONCURRENCY": "12",
        ], hostName: "vm")
        #expect(settings.from.displayName == "Parley, MFA")
        #expect(settings.from.address == "alerts@mfa.example")
        #expect(settings.maxClassification == .confidential)
        #expect(settings.sendmailPath == "/usr/bin/msmtp")
        #expect(settings.sendmailTimeout == .seconds(120))
        #expect(settings.lease == .seconds(540))
        #expect(settings.concurrency == 12)
    }

    @Test(arguments: [
        ("PARLEY_MAIL_FROM", "not an address"),
        ("PARLEY_MAIL_FROM", "Parley <parley@localhost>"),
        ("PARLEY_MAIL_MAX_CLASSIFICATION", "top-secret"),
        ("PARLEY_SENDMAIL", "sendmail"),
        ("PARLEY_SENDMAIL_TIMEOUT", "0"),
        ("PARLEY_SENDMAIL_TIMEOUT", "ten"),
        ("PARLEY_MAIL_CONCURRENCY", "0"),
        ("PARLEY_MAIL_CONCURRENCY", "33"),
        ("PARLEY_MAIL_CONCURRENCY", "-4"),
        ("PARLEY_MAIL_CONCURRENCY", "four"),
    ])
    func badValuesAreRefusedNamingTheVariable(_ variable: String, _ value: String) {
        var environment = ["PARLEY_MAIL_FROM": "parley@mfa.example"]
        environment[variable] = value
        #expect {
            try MailSettings.fromEnvironment(environment, hostName: "parley.mfa.example")
        } throws: { error in
            (error as? ConfigurationError)?.setting == variable
        }
    }

    @Test func theConcurrencyIsRefusedWithItsRule() throws {
        #expect {
            try MailSettings.fromEnvironment(
                ["PARLEY_MAIL_FROM": "parley@mfa.example", "PARLEY_MAIL_CONCURRENCY": "100"], hostName: "vm")
        } throws: { error in
            (error as? ConfigurationError).map {
                $0.setting == "PARLEY_MAIL_CONCURRENCY" && $0.problem.contains("\"100\"") && $0.problem.contains("from 1 to 32")
            } ?? false
        }
        #expect(try MailSettings.fromEnvironment(
            ["PARLEY_MAIL_FROM": "parley@mfa.example", "PARLEY_MAIL_CONCURRENCY": " 1 "], hostName: "vm").concurrency == 1)
        #expect(try MailSettings.fromEnvironment(
            ["PARLEY_MAIL_FROM": "parley@mfa.example", "PARLEY_MAIL_CONCURRENCY": "32"], hostName: "vm").concurrency == 32)
    }

    @Test func aHostWithoutADomainNeedsAFromToSend() throws {
        #expect {
            try MailSettings.fromEnvironment([:], hostName: "vm")
        } throws: { error in
            (error as? ConfigurationError).map { $0.setting == "PARLEY_MAIL_FROM" && $0.problem.contains("not set") } ?? false
        }
        // Printing a digest needs no sender.
        #expect(try MailSettings.fromEnvironment([:], hostName: "vm", sending: false).from.address.hasPrefix("parley@"))
    }
}
