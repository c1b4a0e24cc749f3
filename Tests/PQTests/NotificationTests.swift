import Foundation
import PQ
import Testing

@Suite struct NotificationTests {
    @Test func aNotificationArrivesWithChannelPayloadAndSender() throws {
        try TestDatabase.with { database in
            let listener = try database.connect()
            let sender = try database.connect()
            try listener.listen("Parley Changes")
            try sender.notify("Parley Changes", payload: "commitment 42 'changed'")

            let (wakeup, seconds) = try secondsTaken { try listener.waitForNotifications(timeout: .seconds(5)) }
            #expect(wakeup.notifications == [PQNotification(
                channel: "Parley Changes", payload: "commitment 42 'changed'", senderPID: sender.backendPID)])
            #expect(!wakeup.fileDescriptorReadable)
            #expect(!wakeup.timedOut)
            #expect(seconds < 4)
        }
    }

    @Test func notificationsArriveInOrderAndQueuedOnesReturnAtOnce() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.listen("parley_changes")
            try connection.transaction { connection in
                for index in 1...3 { try connection.notify("parley_changes", payload: "\(index)") }
            }
            // Delivered to the connection itself while it ran the COMMIT: already queued, no wait.
            let (wakeup, seconds) = try secondsTaken { try connection.waitForNotifications(timeout: .seconds(5)) }
            #expect(wakeup.notifications.map(\.payload) == ["1", "2", "3"])
            #expect(wakeup.notifications.allSatisfy { $0.senderPID == connection.backendPID })
            #expect(seconds < 1)
        }
    }

    @Test func aWaitWithoutNotificationsReturnsAfterItsTimeout() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.listen("quiet")
            let (wakeup, seconds) = try secondsTaken { try connection.waitForNotifications(timeout: .milliseconds(300)) }
            #expect(wakeup.timedOut)
            #expect(seconds >= 0.295)
            #expect(seconds < 1.5)
        }
    }

    @Test func theExtraFileDescriptorWakesTheWait() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.listen("quiet")
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            defer { close(ends[0]); close(ends[1]) }
            let writeEnd = ends[1]
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.2)
                _ = write(writeEnd, "x", 1)
            }
            let (wakeup, seconds) = try secondsTaken {
                try connection.waitForNotifications(timeout: .seconds(10), alsoWakeOn: ends[0])
            }
            #expect(wakeup.fileDescriptorReadable)
            #expect(wakeup.notifications.isEmpty)
            #expect(seconds >= 0.15)
            #expect(seconds < 5)
        }
    }

    @Test func unlistenStopsDelivery() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.listen("Parley Changes")
            try connection.unlisten("Parley Changes")
            try connection.notify("Parley Changes", payload: "x")
            #expect(try connection.waitForNotifications(timeout: .milliseconds(100)).timedOut)
            try connection.listen("a")
            try connection.unlistenAll()
            try connection.notify("a")
            #expect(try connection.waitForNotifications(timeout: .milliseconds(100)).timedOut)
        }
    }

    @Test func aTerminatedBackendIsReportedAsConnectionLostByTheWaitAndLaterQueries() throws {
        try TestDatabase.with { database in
            let listener = try database.connect()
            let observer = try database.connect()
            try listener.listen("parley_changes")
            #expect(try observer.value("select pg_terminate_backend($1)", [listener.backendPID], as: Bool.self))

            let (thrown, seconds) = secondsTaken {
                #expect(throws: PQError.self) { try listener.waitForNotifications(timeout: .seconds(10)) }
            }
            let error = try #require(thrown)
            #expect(error.kind == .connectionLost)
            #expect(error.sqlState == .adminShutdown)
            #expect(error.description.hasPrefix("the connection to the database was lost"))
            #expect(seconds < 5)
            #expect(!listener.isConnected)

            let later = try #require(throws: PQError.self) { try listener.query("select 1") }
            #expect(later.kind == .connectionLost)
            let laterWait = try #require(throws: PQError.self) { try listener.waitForNotifications(timeout: .zero) }
            #expect(laterWait.kind == .connectionLost)
        }
    }

    @Test func aTerminatedBackendIsReportedAsConnectionLostByAQuery() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let observer = try database.connect()
            #expect(try observer.value("select pg_terminate_backend($1)", [connection.backendPID], as: Bool.self))
            let error = try #require(throws: PQError.self) { try connection.query("select 1") }
            #expect(error.kind == .connectionLost)
            #expect(!connection.isConnected)
            #expect(throws: PQError.self) { try connection.query("select 1") }
        }
    }
}
