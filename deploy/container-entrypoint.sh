#!/bin/bash
# Entry point of the brevis container image (deploy/Containerfile).
#
# `serve ...` (the image's default command) first makes the database ready
# on the volume: on the first start it runs `brevisd init` (the first
# admin's token goes to admin.token beside the database); when this image's
# brevisd brings new migrations, it backs the database up to
# backups/pre-upgrade-*.db and migrates it. Then it becomes brevisd serve.
# Any other command runs brevisd with those arguments, for example
# `backup --db /var/lib/brevis/brevis.db --to /var/lib/brevis/backups/x.db`.
#
# BREVIS_DB names the database (default /var/lib/brevis/brevis.db): keep it
# the same as `db` in the config file that serve reads.
set -euo pipefail

db=${BREVIS_DB:-/var/lib/brevis/brevis.db}

if [[ ${1:-} != serve ]]; then
  exec brevisd "$@"
fi

if [[ ! -e $db ]]; then
  brevisd init --db "$db"
else
  status=0
  report=$(brevisd migrate --db "$db" --check 2>&1) || status=$?
  case $status in
    0) ;;
    3)
      backup_dir="$(dirname "$db")/backups"
      mkdir -p -- "$backup_dir"
      brevisd backup --db "$db" \
        --to "$backup_dir/pre-upgrade-$(date -u +%Y%m%dT%H%M%SZ).db"
      brevisd migrate --db "$db"
      ;;
    *)
      echo "$report" >&2
      echo "container-entrypoint: cannot use $db (above)" >&2
      exit 1
      ;;
  esac
fi

exec brevisd "$@"
