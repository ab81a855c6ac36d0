# Sourced by the check-list suites (hardening, tls, security_cli): one line
# per check, "ok NAME" or "not ok NAME", and the counts run-tests.sh reads
# from the suite's last line (print it with `summary`).
passed=0 failed=0
result() { # name, outcome (0 holds)
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok $1"; else failed=$((failed + 1)); echo "not ok $1"; fi
}
summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
