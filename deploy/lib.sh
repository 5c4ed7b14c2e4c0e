# Shared by the scripts in deploy/ (sourced, not run).

# The database dump every backup is made of, and the one a restore drill compares it with: a consistent snapshot
# (single transaction, no lock), binary columns in hex, no CREATE DATABASE/USE, so a restore can target any name.
# Reads AGENT_DB_HOST, AGENT_DB_PORT, AGENT_DB_USER, AGENT_DB_PASSWORD.
# The password reaches the clients through MYSQL_PWD (the process environment, owner-only), never a command line.
[ -z "${AGENT_DB_PASSWORD:-}" ] || export MYSQL_PWD="$AGENT_DB_PASSWORD"
dump_database() { # database
  mariadb-dump --no-defaults --single-transaction --routines --triggers --events --hex-blob --skip-dump-date \
    -h "${AGENT_DB_HOST:-127.0.0.1}" -P "${AGENT_DB_PORT:-3306}" -u "${AGENT_DB_USER:-agent}" "$1"
}

# The mariadb client on the same server, as dump_database connects.
sql() { # [database] < statements
  mariadb --no-defaults -h "${AGENT_DB_HOST:-127.0.0.1}" -P "${AGENT_DB_PORT:-3306}" -u "${AGENT_DB_USER:-agent}" "$@"
}

# Seconds since the epoch with milliseconds, for durations.
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The java of AGENT_JAVA, else of JAVA_HOME, else the PATH's.
java_bin() { echo "${AGENT_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"; }
