#!/bin/bash
# prune-backups DIR KEEP
#
# Deletes all but the newest KEEP daily backups in DIR. Only files named
# brevis-YYYYMMDDTHHMMSSZ.db (as /usr/lib/brevis/backup names them) are
# counted; anything else in DIR, such as pre-upgrade-*.db or a *.partial
# file, is left alone. Names carry the UTC time, so the newest sort last.
set -euo pipefail
export LC_ALL=C

if [[ $# -ne 2 ]]; then
  echo "usage: prune-backups DIR KEEP" >&2
  exit 2
fi
dir=$1
keep=$2
if [[ ! $keep =~ ^[1-9][0-9]*$ ]]; then
  echo "prune-backups: KEEP must be a whole number of at least 1, not '$keep'" >&2
  exit 2
fi
if [[ ! -d $dir ]]; then
  echo "prune-backups: $dir is not a directory" >&2
  exit 1
fi

shopt -s nullglob
digit='[0-9]'
day="$digit$digit$digit$digit$digit$digit$digit$digit"
time="$digit$digit$digit$digit$digit$digit"
backups=()
for file in "$dir"/brevis-${day}T${time}Z.db; do
  [[ -f $file && ! -L $file ]] && backups+=("$file")
done

excess=$(( ${#backups[@]} - keep ))
if (( excess > 0 )); then
  for old in "${backups[@]:0:excess}"; do
    rm -f -- "$old"
    echo "prune-backups: removed $old"
  done
fi
