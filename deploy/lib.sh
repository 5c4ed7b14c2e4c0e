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

# A proxy's configuration file changed so that a failed reload leaves it as it was: config_next <file> prepares
# <file>.next with the file's owner and mode (write the new content into it with >), config_swap <file> <reload>
# moves it in place, keeping the previous file, and runs the reload command; when the reload fails, the previous
# file is put back (owner and mode included: it is the file itself, renamed) and config_swap fails.
config_next() { # file
  if [ -e "$1" ]; then cp -p "$1" "$1.next"; else : > "$1.next"; fi
}
config_swap() { # file reload-command
  local file="$1"
  rm -f "$file.previous"
  [ ! -e "$file" ] || ln "$file" "$file.previous" 2>/dev/null || cp -p "$file" "$file.previous"
  mv -f "$file.next" "$file"
  if (eval "$2"); then rm -f "$file.previous"; return 0; fi
  if [ -e "$file.previous" ]; then mv -f "$file.previous" "$file"; else rm -f "$file"; fi
  return 1
}

# Waits until <url> answers with "status":"UP" (a readiness probe), at most <seconds>, while <alive> (a command)
# holds; fails when the deadline passes or <alive> fails first.
wait_until_up() { # url seconds alive-command
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if curl -fsS --max-time 2 "$1" 2>/dev/null | grep -q '"status":"UP"'; then return 0; fi
    eval "$3" || return 2
    sleep 0.2
  done
  return 1
}
