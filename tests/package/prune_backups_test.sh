#!/bin/bash
# prune_backups_test.sh DEPLOY_SYSTEMD_DIR: prune-backups keeps exactly the
# newest N daily backups, touches nothing else, and refuses a bad N.
set -euo pipefail

prune="$1/prune-backups.sh"
dir=$(mktemp -d)
trap 'rm -rf -- "$dir"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
backups() { (cd "$dir" && ls brevis-*Z.db 2>/dev/null || true); }

# Ten daily backups, made in shuffled order so file times say nothing, and
# files that are not daily backups.
for day in 07 03 10 01 05 09 02 08 04 06; do
  touch "$dir/brevis-202611${day}T023000Z.db"
done
others=(pre-upgrade-20261101T120000Z.db brevis-20261111T023000Z.db.partial
  brevis-manual.db notes.txt)
for other in "${others[@]}"; do touch "$dir/$other"; done

"$prune" "$dir" 4 >/dev/null
expected=$'brevis-20261107T023000Z.db\nbrevis-20261108T023000Z.db\nbrevis-20261109T023000Z.db\nbrevis-20261110T023000Z.db'
[[ $(backups) == "$expected" ]] || fail "KEEP=4 left: $(backups | tr '\n' ' ')"
for other in "${others[@]}"; do
  [[ -e $dir/$other ]] || fail "$other was deleted"
done

# Fewer than N, and exactly N: nothing to delete.
"$prune" "$dir" 9 >/dev/null
[[ $(backups | wc -l) -eq 4 ]] || fail "KEEP=9 deleted backups"
"$prune" "$dir" 4 >/dev/null
[[ $(backups | wc -l) -eq 4 ]] || fail "KEEP=4 a second time deleted backups"

# A new backup with N=1 keeps the newest only.
touch "$dir/brevis-20261111T023000Z.db"
"$prune" "$dir" 1 >/dev/null
[[ $(backups) == brevis-20261111T023000Z.db ]] || fail "KEEP=1 left: $(backups | tr '\n' ' ')"

# Bad N: refused with exit 2, and nothing deleted.
for bad in 0 -1 abc "" 3x; do
  status=0
  "$prune" "$dir" "$bad" 2>/dev/null || status=$?
  [[ $status -eq 2 ]] || fail "KEEP='$bad' exited $status, not 2"
done
[[ $(backups | wc -l) -eq 1 ]] || fail "a refused KEEP deleted backups"
status=0
"$prune" "$dir/missing" 3 2>/dev/null || status=$?
[[ $status -ne 0 ]] || fail "a missing directory was not refused"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "prune-backups keeps exactly the newest N and nothing else is touched"
