-- The meeting brief (parley brief, and the brief the mailer attaches to an upcoming-meeting digest).
--
-- The brief reads only the staff views of schema parley, as whoever writes it: row-level security decides what
-- it holds. Staff readers may select every view already (900_security). The mailer writes briefs with the
-- service's login (parley_daemon, cleared for everything), and checks each recipient's clearance before it
-- attaches one, so the service also needs the listings the brief reads: meetings, members, commitments and their
-- updates, sources, parties, and people (for the recipient's clearance). It reads nothing beneath them that it
-- could not read already: the tables under these views are granted to it in 900_security.
set local role parley_owner;

grant select on
    parley.meetings,
    parley.members,
    parley.commitments,
    parley.commitment_updates,
    parley.sources,
    parley.parties,
    parley.people
to parley_daemon;
