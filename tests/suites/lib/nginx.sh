# Sourced by the suites that put nginx in front of casekeeper serve (tls,
# multiserver): a free loopback port, and nginx run unprivileged in a
# directory of its own (its pid, logs and temporary files there).

# A free loopback port (none of ours is in use).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  return 1
}

# nginx_conf DIR SITE [FORMAT]: DIR/nginx.conf, the little an nginx.conf
# needs around the server blocks of file SITE; the access log is
# DIR/nginx-access.log, in log format FORMAT when given.
nginx_conf() {
  local dir=$1 site=$2 format=${3:-} log
  log="access_log $dir/nginx-access.log;"
  [ -n "$format" ] && log="log_format suite '$format';
    access_log $dir/nginx-access.log suite;"
  cat >"$dir/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 256; }
http {
    $log
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include $site;
}
CONF
}

# nginx_start DIR PORT: starts nginx on DIR/nginx.conf and waits for PORT
# to listen. 0 up; 1 started but not listening (stop it); 2 not started.
nginx_start() {
  nginx -c "$1/nginx.conf" -p "$1" 2>>"$1/nginx-error.log" || return 2
  for _ in $(seq 100); do ss -Hltn "sport = :$2" | grep -q . && return 0; sleep 0.1; done
  return 1
}
