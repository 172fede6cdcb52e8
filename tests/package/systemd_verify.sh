#!/bin/bash
# systemd_verify.sh DEB: `systemd-analyze verify` on the packaged units, and
# their exposure score from `systemd-analyze security`.
#
# No running systemd is needed, nor an installed package: the .deb is
# unpacked into a temporary root, beside a copy of this machine's own
# systemd units (the targets the units name, such as multi-user.target).
# --root makes systemd-analyze read the units there and check that
# the programs that ExecStart names exist there; MANPATH lets it find the
# brevisd(8) and brevis-web(8) that Documentation= names. Any message fails
# the test.
set -euo pipefail

deb=$1
units=(brevisd.service brevis-web.service brevis-notify.service brevis-backup.service
  brevis-backup.timer)
# Exposure ceiling for the services, on systemd-analyze's scale (0 = fully
# locked down, 10 = not at all): a change that loosens a sandbox past it
# fails here. --threshold counts in tenths, so 1.5 is 15.
max_exposure=1.5
threshold=15

root=$(mktemp -d)
trap 'rm -rf -- "$root"' EXIT
dpkg-deb --extract "$deb" "$root"
for system_unit in /lib/systemd/system/*; do
  [[ -e $root$system_unit ]] || cp -a -- "$system_unit" "$root/lib/systemd/system/"
done

status=0
output=$(MANPATH="$root/usr/share/man" SYSTEMD_LOG_COLOR=0 \
  systemd-analyze verify --root="$root" "${units[@]/#//lib/systemd/system/}" 2>&1) ||
  status=$?
if [[ $status -ne 0 || -n $output ]]; then
  echo "$output" >&2
  echo "FAIL: systemd-analyze verify complains (exit $status)" >&2
  exit 1
fi
echo "systemd-analyze verify: ${units[*]}: no complaints"

for service in brevisd.service brevis-web.service brevis-notify.service brevis-backup.service; do
  status=0
  report=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=yes --root="$root" \
    --threshold="$threshold" "/lib/systemd/system/$service" 2>&1) || status=$?
  score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$report")
  if [[ -z $score ]]; then
    echo "$report" >&2
    echo "FAIL: systemd-analyze security could not rate $service" >&2
    exit 1
  fi
  echo "systemd-analyze security: $service exposure $score"
  if [[ $status -ne 0 ]]; then
    grep '✗' <<<"$report" >&2 || true
    echo "FAIL: $service exposure $score is above $max_exposure" >&2
    exit 1
  fi
done
