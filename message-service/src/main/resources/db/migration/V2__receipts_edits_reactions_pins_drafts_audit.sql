-- Issue 4: receipts privacy, edit history, reactions, pins, drafts, moderation audit, erasure/export.

-- A user may set receipt privacy before user.registered reached this service: the row then has no username yet.
alter table users alter column username drop not null;
alter table users add column read_receipts_private boolean not null default false;

-- Earlier texts of edited messages (the current text stays in messages.text); removed with the message text on delete.
create table message_edits (
    msg_id        uuid not null references messages (id) on delete cascade,
    edited_at     timestamptz not null,
    previous_text text not null,
    primary key (msg_id, edited_at)
);

-- One reaction per user per emoji per message.
create table reactions (
    msg_id     uuid not null references messages (id) on delete cascade,
    emoji      text not null,
    user_id    text not null,
    created_at timestamptz not null default clock_timestamp(),
    primary key (msg_id, emoji, user_id)
);
create index reactions_by_user on reactions (user_id);

create table pins (
    room_id   uuid not null references rooms (id) on delete cascade,
    msg_id    uuid not null references messages (id) on delete cascade,
    pinned_by text not null,
    pinned_at timestamptz not null default now(),
    primary key (room_id, msg_id)
);

create table drafts (
    user_id    text not null,
    room_id    uuid not null references rooms (id) on delete cascade,
    text       text not null,
    updated_at timestamptz not null default now(),
    primary key (user_id, room_id)
);

-- Moderation audit: who did what to whom, when.
create table audit_log (
    id      bigserial primary key,
    room_id uuid not null references rooms (id) on delete cascade,
    actor   text not null,
    action  text not null,
    target  text,
    detail  text,
    at      timestamptz not null default now()
);
create index audit_by_room on audit_log (room_id, id desc);

-- export and erasure find a user's messages; the export pages by (ts, id)
create index messages_by_sender on messages (sender, ts, id);
-- retention finds the oldest live messages of rooms with a TTL
create index messages_live_by_ts on messages (room_id, ts) where not deleted;
-- the few rooms with a TTL, for the retention job
create index rooms_with_retention on rooms (id) where retention_seconds is not null;
