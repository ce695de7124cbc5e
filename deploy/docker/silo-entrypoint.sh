#!/bin/sh
# Starts the silo. Orleans needs the address other silos and the web hosts can reach this one at;
# unless it is given (Kubernetes passes the pod IP), use the container's own IPv4 address.
set -eu
if [ -z "${Orleans__AdvertisedAddress:-}" ]; then
    # shellcheck disable=SC2046 # split getent's output into words on purpose
    set -- $(getent ahostsv4 "$(cat /etc/hostname)")
    [ $# -gt 0 ] || { echo "silo-entrypoint: cannot find this container's address; set Orleans__AdvertisedAddress" >&2; exit 1; }
    Orleans__AdvertisedAddress="$1"
    export Orleans__AdvertisedAddress
fi
exec dotnet /app/Coordination.Silo.dll
