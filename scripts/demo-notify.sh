#!/bin/sh
# `make run`: the demo with appointment reminders sent to the fake GOV.UK
# Notify (build/fake-notify) on 127.0.0.1:8089, which lists what it was sent
# at http://127.0.0.1:8089/ and sends delivery receipts back to the demo's
# /notify/callback. The fake's API key and the callback token are made up
# here, once, under demo/. Arguments go to `casekeeper demo`.
set -eu
cd "$(dirname "$0")/.."
mkdir -p demo
[ -s demo/notify-callback.token ] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > demo/notify-callback.token)
build/fake-notify --key-file demo/notify.key --listen 127.0.0.1:8089 \
  --callback http://127.0.0.1:8080/notify/callback --callback-token-file demo/notify-callback.token \
  > demo/fake-notify.out 2> demo/fake-notify.log &
fake=$!
trap 'kill "$fake" 2>/dev/null || true' EXIT INT TERM
# The fake writes its key before it listens.
i=0
while ! [ -s demo/fake-notify.out ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "fake GOV.UK Notify: $(cat demo/fake-notify.out); sent messages at http://127.0.0.1:8089/"
./build/casekeeper demo --rules-config config/demo-notify.conf "$@"
