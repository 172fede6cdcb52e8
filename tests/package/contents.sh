#!/bin/bash
# contents.sh DEB PROJECT_VERSION: checks what the package holds with
# dpkg-deb: the control fields, exactly the expected files with their modes,
# the conffiles, the maintainer scripts, the changelog's version, and that
# the packaged brevisd runs.
set -euo pipefail

deb=$1
project_version=$2
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

# Control fields.
field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == brevis ]] || fail "Package is '$(field Package)', not brevis"
version=$(field Version)
[[ $version == "$project_version"-* ]] ||
  fail "Version $version does not start with the project's $project_version-"
[[ $(field Section) == net ]] || fail "Section is '$(field Section)'"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
depends=$(field Depends)
for dependency in adduser 'libgrpc++1.51' libsqlite3-0 libssl3 libc6; do
  [[ ", $depends," == *", $dependency "* || ", $depends," == *", $dependency,"* ]] ||
    fail "Depends lacks $dependency (shlibdeps?): $depends"
done

# Exactly these files, with these modes, owned by root (sorted by path).
expected="./etc/brevis/brevis-notify.toml -rw-r--r-- root/root
./etc/brevis/brevis-web.toml -rw-r--r-- root/root
./etc/brevis/brevisd.toml -rw-r--r-- root/root
./etc/default/brevis-backup -rw-r--r-- root/root
./lib/systemd/system/brevis-backup.service -rw-r--r-- root/root
./lib/systemd/system/brevis-backup.timer -rw-r--r-- root/root
./lib/systemd/system/brevis-notify.service -rw-r--r-- root/root
./lib/systemd/system/brevis-web.service -rw-r--r-- root/root
./lib/systemd/system/brevisd.service -rw-r--r-- root/root
./usr/bin/brevisctl -rwxr-xr-x root/root
./usr/lib/brevis/backup -rwxr-xr-x root/root
./usr/lib/brevis/prune-backups -rwxr-xr-x root/root
./usr/sbin/brevis-notify -rwxr-xr-x root/root
./usr/sbin/brevis-web -rwxr-xr-x root/root
./usr/sbin/brevisd -rwxr-xr-x root/root
./usr/share/doc/brevis/README.md -rw-r--r-- root/root
./usr/share/doc/brevis/changelog.Debian.gz -rw-r--r-- root/root
./usr/share/doc/brevis/copyright -rw-r--r-- root/root
./usr/share/doc/brevis/operations.md -rw-r--r-- root/root
./usr/share/lintian/overrides/brevis -rw-r--r-- root/root
./usr/share/man/man1/brevisctl.1.gz -rw-r--r-- root/root
./usr/share/man/man8/brevis-notify.8.gz -rw-r--r-- root/root
./usr/share/man/man8/brevis-web.8.gz -rw-r--r-- root/root
./usr/share/man/man8/brevisd.8.gz -rw-r--r-- root/root"
actual=$(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ {print $6, $1, $2}' | LC_ALL=C sort)
if [[ $actual != "$expected" ]]; then
  fail "the files differ from the expected list (< expected, > actual):"
  diff <(echo "$expected") <(echo "$actual") >&2 || true
fi
dirs_not_root=$(dpkg-deb --contents "$deb" | awk '$1 ~ /^d/ && $2 != "root/root"')
[[ -z $dirs_not_root ]] || fail "directories not owned by root: $dirs_not_root"

# Control files: conffiles and the maintainer scripts.
dpkg-deb --control "$deb" "$tmp/control"
conffiles=$(LC_ALL=C sort "$tmp/control/conffiles" 2>/dev/null || true)
[[ $conffiles == $'/etc/brevis/brevis-notify.toml\n/etc/brevis/brevis-web.toml\n/etc/brevis/brevisd.toml\n/etc/default/brevis-backup' ]] ||
  fail "conffiles is not brevis-notify.toml, brevis-web.toml, brevisd.toml and brevis-backup: $conffiles"
for script in postinst prerm postrm; do
  if [[ ! -x $tmp/control/$script ]]; then
    fail "maintainer script $script missing or not executable"
    continue
  fi
  bash -n "$tmp/control/$script" || fail "$script: shell syntax error"
  grep -q '^set -euo pipefail$' "$tmp/control/$script" ||
    fail "$script does not stop on errors (set -euo pipefail)"
done
postinst=$tmp/control/postinst
{ grep -q 'brevisd "$@"' "$postinst" && grep -q ' init ' "$postinst" &&
  grep -q ' migrate ' "$postinst"; } 2>/dev/null ||
  fail "postinst does not run brevisd init and migrate"

# The files themselves.
dpkg-deb --extract "$deb" "$tmp/root"
changelog_version=$(zcat "$tmp/root/usr/share/doc/brevis/changelog.Debian.gz" |
  sed -n '1s/^brevis (\([^)]*\)).*/\1/p')
[[ $changelog_version == "$version" ]] ||
  fail "changelog's newest entry is $changelog_version, the package is $version"
for program in usr/sbin/brevisd usr/sbin/brevis-web usr/bin/brevisctl; do
  "$tmp/root/$program" --help >/dev/null ||
    fail "the packaged /$program does not run"
  file_type=$(file -b "$tmp/root/$program")
  [[ $file_type == *", stripped"* ]] || fail "/$program is not stripped: $file_type"
  # Each program's manual page names it (lintian checks that it renders).
  name=${program##*/}
  page=$(find "$tmp/root/usr/share/man" -name "$name.[0-9].gz")
  { [[ -n $page ]] && zcat "$page" | grep -qF "${name//-/\\-} \\- "; } ||
    fail "/$program has no manual page with its NAME"
done
grep -q '^ExecStart=/usr/sbin/brevisd serve --config /etc/brevis/brevisd.toml$' \
  "$tmp/root/lib/systemd/system/brevisd.service" ||
  fail "brevisd.service does not start /usr/sbin/brevisd with the packaged config"
grep -q '^db = "/var/lib/brevis/brevis.db"$' "$tmp/root/etc/brevis/brevisd.toml" ||
  fail "brevisd.toml does not put the database in /var/lib/brevis"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "brevis $version: control fields, $(wc -l <<<"$expected") files," \
  "conffiles, maintainer scripts and changelog as expected"
