#!/usr/bin/env bash
# Creates one database and one login role (same name) per service, as scripts/infra.sh does for local runs.
# Run once by the postgres image's entrypoint (/docker-entrypoint-initdb.d), only when the data volume is empty:
# changing a password in .env later does NOT change it here (see docs/deployment.md, "Changing a password").
# Passwords come from the container environment (docker-compose.yml passes them from .env); they are handed to
# psql as variables (:'pw'), never spliced into SQL text, and never printed.
set -euo pipefail

create_database() {
  local name=$1 password=$2
  if [ -z "$password" ]; then
    echo "postgres-init: the password for $name is empty; set it in .env (see .env.example)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v name="$name" -v pw="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'pw';
CREATE DATABASE :"name" OWNER :"name";
-- one role per database: no other role (except superusers) may connect
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "postgres-init: created database and role $name"
}

create_database chat_auth "${CHAT_AUTH_DB_PASSWORD:-}"
create_database chat_messages "${CHAT_MESSAGES_DB_PASSWORD:-}"
create_database chat_notifications "${CHAT_NOTIFICATIONS_DB_PASSWORD:-}"
