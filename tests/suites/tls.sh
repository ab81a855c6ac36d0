#!/usr/bin/env bash
# TLS in front, as docs/nginx.conf sets it up: a self-signed certificate made
# here by openssl, nginx on loopback ports running that very file (its
# listen addresses, certificate paths and upstream port substituted), and
# build/casekeeper serve on port 0 behind it with --trusted-proxy. curl then
# checks that HTTPS works, HSTS and the Secure __Host- cookie are sent over
# it, plain http is redirected, old TLS is refused, CSRF checks pass with the
# https origin, and a client's own X-Forwarded-For is not believed.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
. tests/suites/lib/nginx.sh
bin=build/casekeeper
for need in nginx openssl curl ss; do
  command -v "$need" >/dev/null || { echo "tls: $need is missing (scripts/setup.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -x "$bin" ] || { echo "tls: $bin is missing (make build/casekeeper)"; echo "0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d /tmp/ck-tls.XXXXXX)
chmod 755 "$tmp"
serve_pid="" nginx_started=""
cleanup() {
  [ -n "$nginx_started" ] && nginx -c "$tmp/nginx.conf" -p "$tmp" -s stop 2>/dev/null
  [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log"
result "a self-signed certificate" $?

db="sqlite:$tmp/tls.db"
"$bin" migrate --db "$db" 2>>"$tmp/serve.log" &&
  printf '%s\n' "tls test passphrase" | "$bin" user add tlsqa --role qa --password-stdin --db "$db" 2>>"$tmp/serve.log"
result "an account to sign in with" $?

coproc SERVE { exec "$bin" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --trusted-proxy 127.0.0.1 2>>"$tmp/serve.log"; }
serve_pid=$SERVE_PID
line=""
read -r -t 60 line <&"${SERVE[0]}"
upstream=${line#listening on http://}
[ -n "$upstream" ] && [ "$upstream" != "$line" ]
result "casekeeper serve behind the proxy ($upstream)" $?

# docs/nginx.conf's server blocks, inside the little an nginx.conf needs to
# run unprivileged in a directory of its own. A port taken between choosing
# and binding it is tried again with others.
write_conf() {
  sed -e "s#listen 80;#listen 127.0.0.1:$http;#" -e "/listen \[::\]:80;/d" \
      -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https ssl http2;#" -e "/listen \[::\]:443/d" \
      -e "s#/etc/ssl/casekeeper/fullchain.pem#$tmp/cert.pem#" -e "s#/etc/ssl/casekeeper/privkey.pem#$tmp/key.pem#" \
      -e "s#http://127.0.0.1:8080#http://$upstream#" -e "s#server_name casekeeper.example.org;#server_name localhost;#" \
      docs/nginx.conf >"$tmp/site.conf"
  nginx_conf "$tmp" "$tmp/site.conf"
}
up=1
for attempt in 1 2 3; do
  https=$(free_port) && http=$(free_port) || break
  write_conf
  [ "$attempt" = 1 ] && { nginx -c "$tmp/nginx.conf" -p "$tmp" -t >"$tmp/nginx-test.log" 2>&1; result "docs/nginx.conf is a valid nginx configuration" $?; }
  nginx_start "$tmp" "$https"
  case $? in 0) nginx_started=1; up=0; break ;; 1) nginx_started=1 ;; esac
done
result "nginx is up on 127.0.0.1:${https:-?} and :${http:-?}" $up
[ "$up" -eq 0 ] || tail -5 "$tmp/nginx-error.log"
base="https://localhost:$https"
c() { curl -sS --cacert "$tmp/cert.pem" --max-time 20 "$@"; }

c -o "$tmp/health" -D "$tmp/health.h" "$base/health"
grep -q '"status":"ok"' "$tmp/health" && grep -q '^HTTP/[0-9.]* 200' "$tmp/health.h"
result "HTTPS works (GET /health through nginx, certificate verified)" $?
grep -qi '^strict-transport-security: max-age=' "$tmp/health.h"
result "HSTS over HTTPS" $?
grep -qi '^x-request-id:' "$tmp/health.h" && grep -qi "^content-security-policy:.*frame-ancestors 'none'" "$tmp/health.h"
result "the server's security headers pass through" $?

out=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 20 "http://localhost:$http/api/v1/cases?q=x")
case "$out" in "301 https://localhost/api/v1/cases?q=x"*) r=0 ;; *) r=1 ;; esac
result "plain http is redirected to https ($out)" $r
# The server must answer, or the missing header proves nothing.
direct=$(curl -sS -D - -o /dev/null --max-time 20 "http://127.0.0.1:${upstream#*:}/health" 2>/dev/null)
grep -q '^HTTP/[0-9.]* 200' <<<"$direct" && ! grep -qi '^strict-transport-security' <<<"$direct"
result "no HSTS from the server when not behind TLS" $?
# /metrics is for Prometheus on this machine or with its token, never for
# the internet: nginx does not pass it on (even spelled with an escape), and
# the server itself answers what the proxy forwards 404; a client beside
# nginx that connects directly may read it.
code=$(c -o /dev/null -w '%{http_code}' "$base/metrics")
code2=$(c -o /dev/null -w '%{http_code}' "$base/%6detrics")
result "/metrics is not served through nginx ($code, $code2)" $([ "$code" = 404 ] && [ "$code2" = 404 ]; echo $?)
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 -H 'X-Forwarded-For: 198.51.100.4' "http://127.0.0.1:${upstream#*:}/metrics")
code2=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 "http://127.0.0.1:${upstream#*:}/metrics")
result "the server refuses what the proxy forwards, not a direct local client ($code, $code2)" \
  $([ "$code" = 404 ] && [ "$code2" = 200 ]; echo $?)
c --tls-max 1.1 -o /dev/null "$base/health" 2>/dev/null
[ $? -eq 35 ] # CURLE_SSL_CONNECT_ERROR: the handshake failed, not the connection
result "TLS 1.1 is refused in the handshake" $?

# Sign in over HTTPS, as a browser would: the cookie is Secure and __Host-.
c -D "$tmp/signin.h" -o "$tmp/signin" -H "Origin: $base" -H 'Content-Type: application/json' \
  -H 'X-Forwarded-For: 203.0.113.5' --data '{"username":"tlsqa","password":"tls test passphrase"}' "$base/api/v1/session"
grep -qi '^set-cookie: __Host-ck_session=[0-9a-f]\{64\}; Path=/; HttpOnly; Secure; SameSite=Strict' "$tmp/signin.h"
result "sign-in over HTTPS sets a Secure __Host- cookie" $?
cookie=$(grep -i '^set-cookie: __Host-ck_session=' "$tmp/signin.h" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')
csrf=$(grep -o '"csrf_token":"[0-9a-f]*"' "$tmp/signin" | cut -d'"' -f4)
code=$(c -o /dev/null -w '%{http_code}' -b "$cookie" "$base/api/v1/session")
result "the session works over HTTPS ($code)" $([ "$code" = 200 ]; echo $?)
code=$(c -o /dev/null -w '%{http_code}' -b "$cookie" -X DELETE -H "X-CSRF-Token: $csrf" -H "Origin: http://localhost:$https" "$base/api/v1/session")
result "the http origin is refused behind TLS ($code)" $([ "$code" = 403 ]; echo $?)
code=$(c -o /dev/null -w '%{http_code}' -b "$cookie" -X DELETE -H "X-CSRF-Token: $csrf" -H "Origin: $base" "$base/api/v1/session")
result "sign-out with the CSRF token and the https origin ($code)" $([ "$code" = 204 ]; echo $?)
"$bin" audit search --db "$db" --user tlsqa 2>/dev/null >"$tmp/audit"
grep -q '"action":"session.sign_in".*"client":"127.0.0.1"' "$tmp/audit" && ! grep -q '203.0.113.5' "$tmp/audit"
result "the client address is the proxy's word, not the client's X-Forwarded-For" $?

summary
