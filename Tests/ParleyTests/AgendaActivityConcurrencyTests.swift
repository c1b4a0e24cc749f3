import Foundation
import PQ
import ParleyTestSupport
import Testing

/// The stored last activity of agenda entries (000013) as two writers to one agenda entry see it: a writer only
/// queues the entries it touched (agenda_activity_queue, no unique key), so a transaction left open after recording
/// an update makes no other writer to that entry wait, nor the refresh the leader runs; what it queued is worked out
/// once it commits. (The earlier design worked the entry's rows out in the writers' triggers: the second writer
/// waited for the first to end, then failed on the primary key; CI drill 4.)
@Suite struct AgendaActivityConcurrencyTests {
    @Test func writersToOneAgendaEntryNeverWaitForEachOther() throws {
        try TestDatabase.with { database in
            let setup = try database.connect()
            try TestWorld.create(on: setup)
            // Two commitments on the same agenda entry, of different obligors (each its own tally group).
            try TestWorld.addCommitment(on: setup, code: "first", dueInDays: 5)
            try setup.execute(
                """
                select parley.add_commitment(track => $1, item => $2, obligor => 'UA', beneficiaries => array['RU'],
                       text => 'Return the bodies', made_on => current_date - 20, code => 'second')
                """, [TestWorld.track, TestWorld.item])
            #expect(try setup.value("select parley_data.refresh_agenda_activity()") as Int == 1)

            // A records an update and leaves its transaction open.
            let first = try database.connect(applicationName: "open transaction")
            try first.execute("begin")
            try first.execute(
                "select parley.record_update(commitment => 'first', reported_on => current_date, delivered => 1, note => 'not committed yet')")

            // B writes to the same entry in every way that queues it, with a lock timeout: none of it may wait.
            let second = try database.connect(applicationName: "other writer")
            try second.execute("set lock_timeout = '2s'")
            let started = Date()
            try second.execute(
                "select parley.record_update(commitment => 'second', reported_on => current_date, delivered => 1, note => 'meanwhile')")
            try second.execute(
                """
                select parley.add_commitment(track => $1, item => $2, obligor => 'TR', beneficiaries => array['UA'],
                       text => 'Host the next round', made_on => current_date, code => 'third')
                """, [TestWorld.track, TestWorld.item])
            try second.execute(
                """
                select parley.record_position(party => 'TR', item => $2, stance => 'supports', stated_on => current_date,
                       track => $1, statement => 'Türkiye supports the exchange')
                """, [TestWorld.track, TestWorld.item])
            // The refresh the leader runs does not wait either: it takes what B committed, not what A has not.
            #expect(try second.value("select parley_data.refresh_agenda_activity()") as Int == 1)
            #expect(Date().timeIntervalSince(started) < 2, "a writer waited for the open transaction")
            #expect(try second.value("select count(*) from parley_data.agenda_activity_queue") as Int == 0)

            // A commits: its entry is queued again, and the refresh works it out with A's update counted.
            try first.execute("commit")
            #expect(try setup.value("select count(*) from parley_data.agenda_activity_queue") as Int == 1)
            #expect(try setup.value("select parley_data.refresh_agenda_activity()") as Int == 1)
            let stored: Int = try setup.value(
                """
                select count(*) from parley_data.agenda_activity a
                  join parley_data.tracks t on t.id = a.track_id
                  join parley_data.agenda_items i on i.id = a.item_id
                 where t.code = $1 and i.code = $2 and a.last_activity_on = current_date
                """, [TestWorld.track, TestWorld.item])
            #expect(stored == 4, "the entry's row for every clearance counts today's updates")
        }
    }

    /// The same for the stances stored per entry and clearance (agenda_stances, 000014), which parley.agenda reads:
    /// a transaction left open after recording a stance makes no other writer of stances on that entry wait, nor the
    /// refresh; once it commits its stance is queued, parley.agenda shows it at once, and the refresh stores it.
    @Test func stanceWritersToOneAgendaEntryNeverWaitForEachOther() throws {
        try TestDatabase.with { database in
            let setup = try database.connect()
            try TestWorld.create(on: setup)
            _ = try setup.value("select parley_data.refresh_agenda_activity()") as Int

            // A records Russia's stance on the entry and leaves its transaction open.
            let first = try database.connect(applicationName: "open transaction")
            try first.execute("begin")
            try first.execute(
                """
                select parley.record_position(party => 'RU', item => $2, stance => 'opposes', stated_on => current_date,
                       track => $1, statement => 'not committed yet')
                """, [TestWorld.track, TestWorld.item])

            // B records Ukraine's stance on the same entry, on the track and generally, with a lock timeout.
            let second = try database.connect(applicationName: "other writer")
            try second.execute("set lock_timeout = '2s'")
            let started = Date()
            try second.execute(
                """
                select parley.record_position(party => 'UA', item => $2, stance => 'supports', stated_on => current_date,
                       track => $1, statement => 'meanwhile')
                """, [TestWorld.track, TestWorld.item])
            try second.execute(
                """
                select parley.record_position(party => 'UA', item => $1, stance => 'conditional',
                       stated_on => current_date - 1, statement => 'in general')
                """, [TestWorld.item])
            #expect(try second.value("select parley_data.refresh_agenda_activity()") as Int == 1)
            #expect(Date().timeIntervalSince(started) < 2, "a writer of stances waited for the open transaction")

            // A commits: its entry is queued again; parley.agenda works it out meanwhile, and the refresh stores it.
            try first.execute("commit")
            let shown: String = try setup.value(
                "select stances from parley.agenda where track = $1 and item = $2", [TestWorld.track, TestWorld.item])
            #expect(shown.contains("opposes") && shown.contains("supports"), "queued, the view shows both stances: \(shown)")
            #expect(try setup.value("select parley_data.refresh_agenda_activity()") as Int == 1)
            let stored: Int = try setup.value(
                """
                select count(*) from parley_data.agenda_stances a
                  join parley_data.tracks t on t.id = a.track_id
                  join parley_data.agenda_items i on i.id = a.item_id
                 where t.code = $1 and i.code = $2 and a.stated_on = current_date
                """, [TestWorld.track, TestWorld.item])
            #expect(stored == 8, "both parties' stances stored for every clearance (2 × 4 rows)")
            #expect(try setup.value(
                "select stances from parley.agenda where track = $1 and item = $2",
                [TestWorld.track, TestWorld.item]) as String == shown, "read from the stored rows: the same")
        }
    }
}
