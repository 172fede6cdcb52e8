#!/bin/bash
# The layer rule of docs/architecture.md, checked on the sources: each
# layer of brevisd includes only the layers below it, and gRPC only in api.
#   api -> app -> auth -> store -> domain      (report: a leaf beside domain)
# Usage: check.sh SOURCE_DIR. Prints every include that breaks the rule and
# fails when there is one.
set -u
root=${1:?usage: check.sh SOURCE_DIR}
cd "$root/server" || exit 2
status=0

# forbid LAYER PATTERN WHY: no file of LAYER may include PATTERN.
forbid() {
  local layer=$1 pattern=$2 why=$3 hits
  hits=$(grep -rnE "^#include [<\"]($pattern)" "$layer" 2>/dev/null)
  if [[ -n $hits ]]; then
    echo "layer rule broken: $layer must not include $pattern ($why):"
    echo "$hits"
    status=1
  fi
}

forbid domain 'server/(api|app|auth|store|report)/' 'the domain is the bottom layer'
forbid report 'server/(api|app|auth|store)/' 'reports are pure renderings'
forbid store 'server/(api|app|auth)/' 'the store sits under auth, app and api'
forbid auth 'server/(api|app)/' 'auth sits under app and api'
forbid app 'server/api/' 'app sits under api'
for layer in domain report store auth app; do
  forbid "$layer" 'grpc|grpcpp|.*\.grpc\.pb\.h' 'gRPC belongs to api alone'
done

# A check that finds nothing because it looked at nothing would pass.
for layer in api app auth store domain report; do
  if ! compgen -G "$layer/*.cc" >/dev/null; then
    echo "no sources in server/$layer: is SOURCE_DIR right?"
    status=1
  fi
done
[[ $status == 0 ]] && echo "layers: every include points down"
exit $status
