-- Local copies of what other services own, kept current from their events (no cross-service reads).
create table rooms (
    room_id    text primary key,
    kind       text not null,
    name       text,
    updated_at timestamptz not null default now()
);

create table room_members (
    room_id text not null references rooms (room_id) on delete cascade,
    user_id text not null,
    primary key (room_id, user_id)
);
create index room_members_user on room_members (user_id);

create table users (
    user_id      text primary key,
    username     text,
    display_name text,
    email        text,
    time_zone    text,
    updated_at   timestamptz not null default now()
);

create table presence (
    user_id    text primary key,
    status     text not null,
    updated_at timestamptz not null default now()
);

-- Read pointer per (user, room) from receipt.updated; last_active_at says the user was reading that room lately.
create table read_pointers (
    user_id        text not null,
    room_id        text not null,
    read_seq       bigint not null default 0,
    last_active_at timestamptz not null default now(),
    primary key (user_id, room_id)
);

-- One decision per (event, user), whatever the outcome: redelivered events decide nothing twice.
create table notification_decisions (
    event_id   text not null,
    user_id    text not null,
    outcome    text not null,
    decided_at timestamptz not null default now(),
    primary key (event_id, user_id)
);

-- The in-app feed.
create table notifications (
    id         uuid primary key,
    user_id    text not null,
    event_id   text not null,
    kind       text not null,
    room_id    text,
    msg_id     text,
    seq        bigint,
    sender     text,
    preview    text,
    created_at timestamptz not null default now(),
    read_at    timestamptz,
    unique (event_id, user_id)
);
create index notifications_feed on notifications (user_id, created_at desc, id desc);
create index notifications_unread on notifications (user_id) where read_at is null;

-- Settings as one JSON document per user (global values and per-room overrides), validated by the service.
create table notification_settings (
    user_id    text primary key,
    settings   jsonb not null,
    updated_at timestamptz not null default now()
);

-- provider: 'webpush' today; mobile gateways (fcm, apns) plug in through io.chat.notification.push.PushProvider.
create table push_subscriptions (
    endpoint   text primary key,
    user_id    text not null,
    provider   text not null default 'webpush',
    p256dh     text not null,
    auth       text not null,
    created_at timestamptz not null default now()
);
create index push_subscriptions_user on push_subscriptions (user_id);

-- Missed messages waiting for the user's digest email; claimed by one sender before the email goes out.
create table digest_items (
    user_id    text not null,
    event_id   text not null,
    room_id    text not null,
    msg_id     text not null,
    seq        bigint not null,
    sender     text,
    text       text,
    created_at timestamptz not null default now(),
    claim_id   uuid,
    claimed_at timestamptz,
    primary key (user_id, event_id)
);
create index digest_items_due on digest_items (created_at);
