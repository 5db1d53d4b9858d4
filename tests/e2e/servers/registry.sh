# shellcheck shell=bash
# A container registry for the `docker login` shape: Debian's docker-registry
# (distribution 2.8) with htpasswd (bcrypt) auth, over plain HTTP on
# 127.0.0.1; it needs no TLS for that. The login client is skopeo, which
# writes the same ~/.docker/config.json `auths` entry as `docker login` but
# needs no daemon (a build step has none). Source it.
#
#   registry_add USER SECRET          before registry_start
#   registry_start                    exports E2E_REGISTRY=127.0.0.1:<port>
#   registry_log_mark / registry_accepted USER [MARK]
#       answers counted from the access log of a small nginx in front of the
#       registry: it only passes requests on and logs the Basic user name
#       and the registry's status (the registry checks the password; its own
#       log does not name the user)
#   registry_stop

registry_add() {
  mkdir -p "$E2E_DIR/registry"
  local f=$E2E_DIR/registry/htpasswd c=()
  [ -f "$f" ] || c=(-c)
  printf '%s\n' "$2" | htpasswd "${c[@]}" -i -B "$f" "$1" 2>/dev/null
}

registry_start() {
  local d=$E2E_DIR/registry port
  mkdir -p "$d/data"
  [ -f "$d/htpasswd" ] || { e2e_fail "registry_start: no user added"; return 1; }
  port=$(e2e_free_port)
  cat > "$d/config.yml" <<EOF2
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $d/data
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: dfix-e2e
    path: $d/htpasswd
EOF2
  docker-registry serve "$d/config.yml" > "$d/registry.log" 2>&1 < /dev/null &
  echo $! > "$d/pid"
  local front
  front=$(e2e_free_port)
  mkdir -p "$d/tmp"
  cat > "$d/nginx.conf" <<EOF2
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
daemon off;
events { worker_connections 64; }
http {
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  client_max_body_size 0;
  log_format dfix '\$msec user=\$remote_user token=- \$status \$request_method \$uri';
  access_log $d/access.log dfix;
  server {
    listen 127.0.0.1:$front;
    location / {
      proxy_pass http://127.0.0.1:$port;
      proxy_set_header Host \$http_host;
      proxy_buffering off;
    }
  }
}
EOF2
  nginx -c "$d/nginx.conf" > "$d/nginx.out" 2>&1 < /dev/null &
  echo $! > "$d/nginx.pid.bg"
  export E2E_REGISTRY=127.0.0.1:$front
  for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$E2E_REGISTRY/v2/")" = 401 ] && return 0
    sleep 0.2
  done
  tail -n 20 "$d/registry.log" >&2
  e2e_fail "docker-registry did not start"
}

registry_log_mark() {
  if [ -f "$E2E_DIR/registry/access.log" ]; then wc -l < "$E2E_DIR/registry/access.log"; else echo 0; fi
}

registry_accepted() {
  tail -n +"$((${2:-0} + 1))" "$E2E_DIR/registry/access.log" 2>/dev/null |
    awk -v u="user=$1" '$2 == u && $4 ~ /^2/ { n++ } END { print n + 0 }'
}

registry_stop() {
  local f
  for f in "$E2E_DIR/registry/nginx.pid.bg" "$E2E_DIR/registry/pid"; do
    [ -f "$f" ] && e2e__kill_wait "$(cat "$f")" 10
  done
  return 0
}
