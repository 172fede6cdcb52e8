#!/bin/bash
# backup_script_test.sh DEPLOY_SYSTEMD_DIR BREVISD: the backup script that
# brevis-backup.service runs, laid out as installed (backup beside
# prune-backups), against a real database: each run adds one complete
# backup, and only the newest KEEP_BACKUPS stay.
set -euo pipefail

source_dir=$1
brevisd=$2
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

install -m 0755 "$source_dir/backup.sh" "$tmp/backup"
install -m 0755 "$source_dir/prune-backups.sh" "$tmp/prune-backups"
"$brevisd" init --db "$tmp/data/brevis.db" >/dev/null

export BREVISD=$brevisd BREVIS_DB=$tmp/data/brevis.db \
  BACKUP_DIR=$tmp/data/backups KEEP_BACKUPS=2
for run in 1 2 3 4; do
  # Backup names have one-second resolution; wait for the next second.
  second=$(date +%s)
  while [[ $(date +%s) == "$second" ]]; do sleep 0.1; done
  "$tmp/backup" >/dev/null
done

mapfile -t kept < <(cd "$BACKUP_DIR" && ls)
if [[ ${#kept[@]} -ne 2 ]]; then
  echo "FAIL: expected 2 backups after 4 runs with KEEP_BACKUPS=2, found: ${kept[*]}" >&2
  exit 1
fi
for backup in "${kept[@]}"; do
  [[ $backup =~ ^brevis-[0-9]{8}T[0-9]{6}Z\.db$ ]] || {
    echo "FAIL: unexpected file $backup in the backup directory" >&2
    exit 1
  }
  # A backup is a complete database, with the migration ledger of the
  # original. Read only: a check must not change a backup.
  check=$(sqlite3 -readonly "$BACKUP_DIR/$backup" 'PRAGMA integrity_check' \
    'SELECT count(*) FROM schema_migrations')
  expected=$(sqlite3 -readonly "$BREVIS_DB" 'SELECT count(*) FROM schema_migrations')
  [[ $check == "ok"$'\n'"$expected" ]] || {
    echo "FAIL: $backup is not a complete database: $check" >&2
    exit 1
  }
done

# A bad KEEP_BACKUPS is refused before a backup is taken.
status=0
KEEP_BACKUPS=0 "$tmp/backup" 2>/dev/null || status=$?
[[ $status -eq 2 && $(ls "$BACKUP_DIR" | wc -l) -eq 2 ]] || {
  echo "FAIL: KEEP_BACKUPS=0 was not refused up front (exit $status)" >&2
  exit 1
}
echo "4 runs of the backup script with KEEP_BACKUPS=2 left ${kept[*]}"
