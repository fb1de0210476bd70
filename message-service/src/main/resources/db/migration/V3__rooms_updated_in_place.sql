-- Every stored message bumps its room's last_seq and last_activity_at. With last_activity_at indexed, none of those
-- updates could be heap-only (HOT): each wrote a new entry into every index of rooms and left a dead row for vacuum.
-- Without that index they are updated in place (99 % HOT under load); the room list finds a user's rooms through
-- members_by_user and sorts them by activity instead (docs/message-service.md, "EXPLAIN plans").
drop index if exists rooms_activity;
-- room for the new versions of a row on its own page, which HOT needs; applies to pages written from now on
alter table rooms set (fillfactor = 80);
