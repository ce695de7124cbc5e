#!/bin/bash
# Container health check without curl (the runtime image has none): GET PATH on the first port
# of ASPNETCORE_HTTP_PORTS over bash's /dev/tcp; healthy only on HTTP 200.
#   healthcheck.sh /health/ready
set -u
path="${1:-/health/ready}"
ports="${ASPNETCORE_HTTP_PORTS:-8080}"
port="${ports%%[;,]*}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
IFS=' ' read -r -t 5 _ status _ <&3 || exit 1
[[ "$status" == 200 ]]
