#!/usr/bin/env bash
# Makes a local certificate authority and certificates for trying brevis
# with TLS and mutual TLS on one machine. Not for production: a region's
# own CA issues those.
#
#   deploy/make-certs.sh DIR [HOSTNAME] [CLIENT_NAME]
#
# Writes into DIR (created if missing; existing files are replaced):
#   ca.crt ca.key                 the local CA
#   server.crt server.key         for HOSTNAME (default localhost), also
#                                 valid for localhost, 127.0.0.1 and ::1
#   client.crt client.key         a client certificate whose common name is
#                                 CLIENT_NAME (default brevis-integration):
#                                 give an integration principal that
#                                 certificate_subject
#   client-expired.crt/.key       the same name, expired (for tests)
#   untrusted-ca.crt, untrusted-client.crt/.key
#                                 a client certificate from another CA
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
dir=$1
host=${2:-localhost}
client=${3:-brevis-integration}
mkdir -p "$dir"
cd "$dir"
umask 077

openssl_quiet() { openssl "$@" 2>/dev/null; }

# The CA.
openssl_quiet req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
  -days 3650 -subj "/CN=brevis local CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"

# sign NAME CN EXTENSIONS [CA_PREFIX]: a key and a certificate signed by the CA.
sign() {
  local name=$1 cn=$2 extensions=$3 ca=${4:-ca}
  openssl_quiet req -newkey rsa:2048 -nodes -keyout "$name.key" \
    -out "$name.csr" -subj "/CN=$cn"
  printf '%s\n' "$extensions" > "$name.ext"
  openssl_quiet x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" \
    -CAcreateserial -days 825 -extfile "$name.ext" -out "$name.crt"
  rm -f "$name.csr" "$name.ext"
}

sign server "$host" "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth"
sign client "$client" "extendedKeyUsage=clientAuth"

# An expired client certificate: `openssl ca` can set the validity dates.
mkdir -p ca-db
: > ca-db/index.txt
cat > ca-db/ca.cnf <<CNF
[ca]
default_ca = local
[local]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[client]
extendedKeyUsage = clientAuth
CNF
echo 1000 > ca-db/serial
openssl_quiet req -newkey rsa:2048 -nodes -keyout client-expired.key \
  -out client-expired.csr -subj "/CN=$client"
openssl_quiet ca -batch -config ca-db/ca.cnf -cert ca.crt -keyfile ca.key \
  -in client-expired.csr -out client-expired.crt -extensions client \
  -startdate 20200101000000Z -enddate 20200102000000Z -notext
rm -rf client-expired.csr ca-db

# A client certificate from a CA brevis does not trust.
openssl_quiet req -x509 -newkey rsa:2048 -nodes -keyout untrusted-ca.key \
  -out untrusted-ca.crt -days 3650 -subj "/CN=some other CA" \
  -addext "basicConstraints=critical,CA:TRUE"
sign untrusted-client "$client" "extendedKeyUsage=clientAuth" untrusted-ca
rm -f ./*.srl

chmod 600 ./*.key
chmod 644 ./*.crt
echo "make-certs: wrote the CA, server ($host) and client ($client) certificates to $dir"
