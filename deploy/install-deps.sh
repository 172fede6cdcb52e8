#!/usr/bin/env bash
# Installs the Debian 12 packages brevis needs to build, run and test.
# Idempotent: only missing packages are installed, and nothing is printed
# when everything is already present. The browser tests' npm tools
# (tests/browser/package.json) are not installed here: the tests fetch them
# with npm into the build directory when they run.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc
  libprotobuf-dev protobuf-compiler
  libsqlite3-dev sqlite3 libssl-dev openssl
  # PostgreSQL (issue 17): libpq to talk to it, and the server whose
  # initdb and pg_ctl the tests use for a throwaway cluster of their own.
  libpq-dev postgresql-15
  libgtest-dev libgmock-dev
  libcli11-dev libtomlplusplus-dev
  python3-grpcio tzdata
  # brevis-web: HTTP from Boost.Beast (header-only, with Boost.Asio) and
  # URL parsing from Boost.URL.
  libboost1.81-dev libboost-url1.81-dev
  # brevis-notify: SMTP through libcurl, and the SMTP server its tests run.
  libcurl4-openssl-dev python3-aiosmtpd
  # brevis-web's OpenID Connect sign-in: ID tokens (JWS, JWK) with cjose,
  # claims and discovery documents with jansson; HTTPS through libcurl.
  libcjose-dev libjansson-dev
  # The front for untrusted networks (deploy/nginx), and its flood test.
  nginx
  # Packaging and its tests: cpack's DEB generator computes dependencies with
  # dpkg-shlibdeps (dpkg-dev) and tells ELF files apart with file; lintian
  # checks the .deb; systemd-analyze (systemd) checks the units.
  dpkg-dev file lintian systemd
  # `make fuzz`: clang with libFuzzer and the sanitizer runtimes; `make
  # sanitize` also builds with clang for its thread-safety analysis.
  clang-14 libclang-rt-14-dev
  # The browser tests (tests/browser): headless Chromium driven through
  # ChromeDriver by Selenium.
  chromium chromium-driver python3-selenium
  # The test OpenID provider of the sign-in tests (tests/oidc/test_idp.py):
  # its signing keys and tokens (JOSE) and its TLS certificates.
  python3-jwcrypto python3-cryptography
)
# npm fetches the browser tests' tools (axe-core). A Node.js that is already
# there, with its npm, is used as it is; otherwise Debian's.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo)
    echo "install-deps: not root, using sudo" >&2
  else
    echo "install-deps: these packages are missing and I am not root and cannot use sudo" >&2
    echo "install-deps: without a password. Ask an administrator to run:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
