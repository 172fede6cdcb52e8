#!/usr/bin/env bash
# run-local.sh BUILD_DIR DB GRPC_LISTEN WEB_LISTEN: what `make run` does after
# the build. Creates the database on first run (and the first admin's token
# file beside it) or applies new migrations, and local certificates
# (deploy/make-certs.sh, in certs/ beside the database) when they are
# missing; starts brevisd on GRPC_LISTEN with TLS, makes brevis-web's
# integration principal (SCOPE_SIGN_IN, certificate subject
# brevis-integration) unless it exists, starts brevis-web on WEB_LISTEN
# signed in to brevisd with that certificate over mutual TLS, prints a
# one-time sign-in link for the first admin, and keeps both in the
# foreground until Ctrl-C, which stops both.
# Their logs go to files beside the database; when one of them ends on its
# own, the tail of its log is printed and the other is stopped too.
set -euo pipefail

build_dir=$1
db=$2
grpc_listen=$3
web_listen=$4

brevisd=$build_dir/server/brevisd
brevisctl=$build_dir/client-lib/cli/brevisctl
brevis_web=$build_dir/client-lib/web/brevis-web
data_dir=$(dirname -- "$db")
token_file=$data_dir/admin.token
certs=$data_dir/certs
make_certs=$(dirname -- "${BASH_SOURCE[0]}")/make-certs.sh
# The client certificate's common name, and so brevis-web's principal's
# certificate_subject.
web_subject=brevis-integration
brevisd_log=$data_dir/brevisd.log
web_log=$data_dir/brevis-web.log
# Seconds each server has to say it is listening.
start_seconds=20

say() { echo "run: $*" >&2; }

mkdir -p -- "$data_dir"
if [[ ! -f $db ]]; then
  "$brevisd" init --db "$db" >/dev/null
  say "created $db; the first admin's token is in $token_file"
else
  "$brevisd" migrate --db "$db" >/dev/null
fi
if [[ ! -f $certs/ca.crt || ! -f $certs/server.crt || ! -f $certs/client.crt ]]; then
  bash "$make_certs" "$certs" localhost "$web_subject" >/dev/null
  say "made local certificates in $certs"
fi

pids=()
names=()
logs=()

# Stops every server still running (SIGTERM, then waits for it: both drain
# their in-flight requests and exit).
stop_all() {
  local i
  for i in "${!pids[@]}"; do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" 2>/dev/null || true
  done
}

# ended NAME LOG STATUS: says how a server ended and shows its log's tail.
ended() {
  say "$1 ended with status $3; the last lines of $2:"
  tail -n 20 -- "$2" >&2 || true
}

# wait_for_line INDEX PATTERN: waits until the server's log has a line
# matching PATTERN and prints the first match; fails when the server ends
# first or start_seconds pass.
wait_for_line() {
  local index=$1 pattern=$2 line deadline=$((SECONDS + start_seconds))
  while ((SECONDS < deadline)); do
    line=$(grep -m 1 -E -- "$pattern" "${logs[$index]}" || true)
    if [[ -n $line ]]; then
      echo "$line"
      return 0
    fi
    if ! kill -0 "${pids[$index]}" 2>/dev/null; then
      local status=0
      wait "${pids[$index]}" || status=$?
      ended "${names[$index]}" "${logs[$index]}" "$status"
      return 1
    fi
    sleep 0.1
  done
  say "${names[$index]} did not say it was listening within ${start_seconds} s"
  tail -n 20 -- "${logs[$index]}" >&2 || true
  return 1
}

# start NAME LOG COMMAND...: starts a server with its output in LOG.
start() {
  local name=$1 log=$2
  shift 2
  : >"$log"
  "$@" >>"$log" 2>&1 &
  pids+=($!)
  names+=("$name")
  logs+=("$log")
}

trap 'stop_all; say "stopped"; exit 0' INT TERM

start brevisd "$brevisd_log" "$brevisd" serve --db "$db" --listen "$grpc_listen" \
  --tls-cert "$certs/server.crt" --tls-key "$certs/server.key" \
  --client-ca "$certs/ca.crt"
line=$(wait_for_line 0 '^brevisd: listening on ') || {
  stop_all
  exit 1
}
grpc_addr=$(sed 's/^brevisd: listening on \([^ ]*\).*/\1/' <<<"$line")

ctl=("$brevisctl" --addr "$grpc_addr" --token-file "$token_file"
  --ca "$certs/ca.crt")
admin=$("${ctl[@]}" --quiet whoami 2>&1) || {
  say "cannot ask brevisd who holds $token_file: $admin"
  say "a lost or expired admin token: brevisd token create --db $db --force"
  stop_all
  exit 1
}

# brevis-web's own principal, once: it may only exchange sign-ins.
principals=$("${ctl[@]}" --json principals list --filter \
  'role = INTEGRATION' 2>&1) || {
  say "cannot list the integrations: $principals"
  stop_all
  exit 1
}
if ! grep -q "\"certificate_subject\": *\"$web_subject\"" <<<"$principals"; then
  created=$("${ctl[@]}" --quiet principals create --display-name brevis-web \
    --role integration --scope sign-in --certificate-subject "$web_subject" \
    2>&1) || {
    say "cannot make brevis-web's principal: $created"
    stop_all
    exit 1
  }
  say "made brevis-web's principal $created (sign-in scope, certificate $web_subject)"
fi

start brevis-web "$web_log" "$brevis_web" --listen "$web_listen" \
  --brevis-addr "$grpc_addr" --brevis-ca "$certs/ca.crt" \
  --brevis-cert "$certs/client.crt" --brevis-key "$certs/client.key"
line=$(wait_for_line 1 '^brevis-web: listening on ') || {
  stop_all
  exit 1
}
web_url=$(sed 's/^brevis-web: listening on \([^ ]*\).*/\1/' <<<"$line")

link=$("${ctl[@]}" principals sign-in-link "$admin" --web-url "$web_url" \
  2>/dev/null) || {
  say "cannot make a sign-in link for $admin"
  stop_all
  exit 1
}

cat <<EOF

  brevisd     $grpc_addr (gRPC over TLS; log: $brevisd_log)
  brevis-web  $web_url (log: $web_log)

  Sign in as the first admin (the link works once, for 24 hours):

    $link

  brevisctl uses the same admin: $brevisctl --addr $grpc_addr --token-file $token_file --ca $certs/ca.crt whoami
  Ctrl-C stops both.

EOF

# Until Ctrl-C, or until one server ends on its own.
status=0
wait -n "${pids[@]}" || status=$?
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    ended "${names[$i]}" "${logs[$i]}" "$status"
  fi
done
stop_all
exit 1
