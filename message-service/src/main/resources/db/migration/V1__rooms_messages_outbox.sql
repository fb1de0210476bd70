-- Local copy of accounts, kept from user.events (usernames resolve @mentions).
create table users (
    id           text primary key,
    username     text not null,
    display_name text,
    deleted      boolean not null default false
);
create unique index users_username on users (username) where not deleted;

create table rooms (
    id                uuid primary key,
    kind              text not null check (kind in ('direct', 'group', 'channel', 'support')),
    name              text,
    created_by        text not null,
    created_at        timestamptz not null default now(),
    -- the last seq given out: the row lock taken to bump it serializes senders per room
    last_seq          bigint not null default 0,
    -- when the last message was stored (or the room created): the room list is ordered by it
    last_activity_at  timestamptz not null default now(),
    -- 'a:b' with the two user ids sorted: one direct room per pair
    direct_key        text unique,
    status            text not null default 'open' check (status in ('open', 'closed', 'archived')),
    retention_seconds bigint check (retention_seconds is null or retention_seconds > 0)
);
-- a customer has at most one open support room
create unique index rooms_one_open_support on rooms (created_by) where kind = 'support' and status = 'open';
create index rooms_support_queue on rooms (created_at) where kind = 'support' and status = 'open';
create index rooms_channels on rooms (created_at) where kind = 'channel';
create index rooms_activity on rooms (last_activity_at desc, id desc);

create table members (
    room_id       uuid not null references rooms (id) on delete cascade,
    user_id       text not null,
    role          text not null check (role in ('owner', 'admin', 'member')),
    joined_at     timestamptz not null default now(),
    delivered_seq bigint not null default 0,
    read_seq      bigint not null default 0,
    primary key (room_id, user_id)
);
create index members_by_user on members (user_id, room_id);

create table messages (
    room_id       uuid not null references rooms (id) on delete cascade,
    seq           bigint not null,
    id            uuid not null unique,
    sender        text not null,
    client_msg_id text not null,
    text          text,
    ts            timestamptz not null,
    reply_to      uuid,
    thread_root   uuid,
    mentions      text[] not null default '{}',
    edited_at     timestamptz,
    deleted       boolean not null default false,
    search        tsvector generated always as (to_tsvector('simple', coalesce(text, ''))) stored,
    primary key (room_id, seq)
);
-- idempotent send: one message per (room, sender, clientMsgId)
create unique index messages_idempotency on messages (room_id, sender, client_msg_id);
create index messages_search on messages using gin (search);
create index messages_thread on messages (room_id, thread_root, seq) where thread_root is not null;

-- Transactional outbox: written in the transaction that changes state, published to Kafka by
-- OutboxRelay, deleted once Kafka acknowledged it. Survives a crash between commit and publish.
create table outbox (
    id      bigserial primary key,
    topic   text not null,
    key     text not null,
    payload text not null
);
