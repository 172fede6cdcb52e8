#!/bin/bash
# Takes one online backup of the brevis database with `brevisd backup`,
# then keeps only the newest KEEP_BACKUPS of them. Installed as
# /usr/lib/brevis/backup and run daily by brevis-backup.service, which reads
# its settings from /etc/default/brevis-backup. Safe while brevisd serves.
#
#   BREVIS_DB     the database (default /var/lib/brevis/brevis.db)
#   BACKUP_DIR    where backups go (default /var/lib/brevis/backups)
#   KEEP_BACKUPS  how many to keep, at least 1 (default 14)
#   BREVISD       the brevisd binary (default /usr/sbin/brevisd)
set -euo pipefail

brevisd=${BREVISD:-/usr/sbin/brevisd}
db=${BREVIS_DB:-/var/lib/brevis/brevis.db}
backup_dir=${BACKUP_DIR:-/var/lib/brevis/backups}
keep=${KEEP_BACKUPS:-14}
prune="$(dirname "$(readlink -f "$0")")/prune-backups"

# Refuse a bad KEEP_BACKUPS before anything is written, not after.
if [[ ! $keep =~ ^[1-9][0-9]*$ ]]; then
  echo "brevis-backup: KEEP_BACKUPS must be a whole number of at least 1, not '$keep'" >&2
  exit 2
fi

mkdir -p -- "$backup_dir"
# UTC in the name, so names sort in time order and a clock change to or
# from summer time cannot make two backups collide.
target="$backup_dir/brevis-$(date -u +%Y%m%dT%H%M%SZ).db"
"$brevisd" backup --db "$db" --to "$target"
"$prune" "$backup_dir" "$keep"
