-- Erased accounts: everything else about them is deleted; this row makes their unexpired tokens refused.
create table deleted_users (
    user_id    text primary key,
    deleted_at timestamptz not null default now()
);
