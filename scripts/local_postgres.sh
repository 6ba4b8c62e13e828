#!/usr/bin/env bash
# A private PostgreSQL for this checkout: its own data folder and port, listening on
# 127.0.0.1 only, built from the Debian `postgresql` package's binaries (installed here
# when missing). It never touches the machine's own clusters (`pg_ctlcluster 15 main`).
#
#   scripts/local_postgres.sh start    init (first time), start, create the roles and the database
#   scripts/local_postgres.sh stop     stop it (the data folder stays; `destroy` removes it)
#   scripts/local_postgres.sh run CMD  start, run CMD with the AR_PG_* variables, then stop the
#                                      server if this command started it (even when CMD fails)
#   scripts/local_postgres.sh scratch CMD   the same on a throwaway server (new data folder on a
#                                      free port, removed afterwards): what `make test` uses
#   scripts/local_postgres.sh env      print the AR_PG_* variables (eval "$(... env)")
#
# Settings (environment; the defaults are for this local server only, nothing secret):
#   AR_PG_PORT (55432)  AR_PG_DATABASE (ar_warehouse)  AR_PG_USER / AR_PG_PASSWORD (the builder,
#   owner of the database)  AR_PG_BI_ROLE / AR_PG_BI_PASSWORD (the read-only BI role)
#   AR_PG_DIR (data folder, default ${TMPDIR:-/tmp}/ar-warehouse-pg-$AR_PG_PORT)
# The cluster is a scratch copy rebuilt from the landing files: it runs with fsync off.
set -euo pipefail

export AR_PG_HOST=127.0.0.1
export AR_PG_PORT="${AR_PG_PORT:-55432}"
export AR_PG_DATABASE="${AR_PG_DATABASE:-ar_warehouse}"
export AR_PG_USER="${AR_PG_USER:-ar_builder}"
export AR_PG_PASSWORD="${AR_PG_PASSWORD:-ar_builder_local}"
export AR_PG_BI_ROLE="${AR_PG_BI_ROLE:-bi_reader}"
export AR_PG_BI_PASSWORD="${AR_PG_BI_PASSWORD:-bi_reader_local}"
AR_PG_DIR="${AR_PG_DIR:-${TMPDIR:-/tmp}/ar-warehouse-pg-$AR_PG_PORT}"
DATA="$AR_PG_DIR/data"
SOCK="$AR_PG_DIR/socket"

say() { echo "local postgres: $*" >&2; }

bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        if [ "$(id -u)" != 0 ]; then
            say "PostgreSQL server binaries not found; install the Debian package 'postgresql' (as root)"
            exit 1
        fi
        say "installing the Debian package postgresql"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        # the package may start its default cluster: this script started it, this script stops it
        pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1, $2}' |
            while read -r version cluster; do pg_ctlcluster "$version" "$cluster" stop || true; done
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() {
    [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$AR_PG_PORT" -U postgres "$@"
}

sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }

check_names() {
    local v
    for v in AR_PG_DATABASE AR_PG_USER AR_PG_BI_ROLE; do
        [[ "${!v}" =~ ^[a-z_][a-z0-9_]*$ ]] || { say "$v must be a plain lower-case identifier, got '${!v}'"; exit 2; }
    done
}

start() {
    check_names
    BIN=$(bindir)
    mkdir -p "$AR_PG_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$AR_PG_DIR"; fi
    chmod 700 "$AR_PG_DIR"
    if [ ! -f "$DATA/PG_VERSION" ]; then
        say "initialising $DATA"
        as_owner mkdir -p "$SOCK"
        # C collation: text sorts and compares byte by byte (docs/definitions/00-conventions.md), like DuckDB and Spark
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --encoding=UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    fi
    if is_running; then
        say "already running on 127.0.0.1:$AR_PG_PORT"
        STARTED_HERE=0
    else
        STARTED_HERE=1
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$AR_PG_DIR/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$AR_PG_PORT -c unix_socket_directories=$SOCK" \
            -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c work_mem=64MB -c jit=off" \
            start >/dev/null
        say "started on 127.0.0.1:$AR_PG_PORT (data $DATA)"
    fi
    provision
}

# Roles and database, idempotent. The builder owns the database and everything dbt
# creates; the BI role can log in and read what dbt grants it (the marts), nothing else.
provision() {
    psql_admin -d postgres <<SQL
select format('create role %I login', '$AR_PG_USER')
where not exists (select from pg_roles where rolname = '$AR_PG_USER') \gexec
select format('create role %I login', '$AR_PG_BI_ROLE')
where not exists (select from pg_roles where rolname = '$AR_PG_BI_ROLE') \gexec
alter role "$AR_PG_USER" with login password $(sql_literal "$AR_PG_PASSWORD");
alter role "$AR_PG_BI_ROLE" with login nosuperuser nocreatedb nocreaterole password $(sql_literal "$AR_PG_BI_PASSWORD");
-- byte-order collation (docs/definitions/00-conventions.md), UTF-8 character classes (lower('É') = 'é')
select format('create database %I owner %I template template0 encoding %L lc_collate %L lc_ctype %L',
              '$AR_PG_DATABASE', '$AR_PG_USER', 'UTF8', 'C', 'C.UTF-8')
where not exists (select from pg_database where datname = '$AR_PG_DATABASE') \gexec
-- the staging models are long CASE expressions: JIT compiling them costs more than running them
alter database "$AR_PG_DATABASE" set jit = off;
SQL
    psql_admin -d "$AR_PG_DATABASE" <<SQL
-- nobody but the owner creates anything: no temporary tables, nothing in schema public
revoke temporary on database "$AR_PG_DATABASE" from public;
revoke create on schema public from public;
grant connect on database "$AR_PG_DATABASE" to "$AR_PG_BI_ROLE";
SQL
}

stop() {
    BIN=$(bindir)
    if is_running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        say "stopped (127.0.0.1:$AR_PG_PORT)"
    fi
}

env_vars() {
    for v in AR_PG_HOST AR_PG_PORT AR_PG_DATABASE AR_PG_USER AR_PG_PASSWORD AR_PG_BI_ROLE AR_PG_BI_PASSWORD; do
        printf 'export %s=%q\n' "$v" "${!v}"
    done
}

case "${1:-}" in
    start) start; env_vars ;;
    stop) stop ;;
    destroy) stop; rm -rf "$AR_PG_DIR"; say "removed $AR_PG_DIR" ;;
    env) env_vars ;;
    run)
        shift
        [ $# -gt 0 ] || { say "usage: $0 run COMMAND..."; exit 2; }
        STARTED_HERE=0
        trap '[ "$STARTED_HERE" = 1 ] && stop' EXIT
        start >/dev/null
        "$@"
        ;;
    scratch)
        shift
        [ $# -gt 0 ] || { say "usage: $0 scratch COMMAND..."; exit 2; }
        AR_PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        export AR_PG_PORT
        AR_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ar-warehouse-pg-scratch.XXXXXX")
        DATA="$AR_PG_DIR/data"
        SOCK="$AR_PG_DIR/socket"
        trap 'stop; rm -rf "$AR_PG_DIR"' EXIT
        start >/dev/null
        "$@"
        ;;
    *) echo "usage: $0 start|stop|destroy|env|run|scratch COMMAND..." >&2; exit 2 ;;
esac
