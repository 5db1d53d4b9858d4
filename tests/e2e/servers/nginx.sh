# shellcheck shell=bash
# One nginx on 127.0.0.1 that serves every HTTP package source of the suite,
# each path requiring a credential (source it; lib.sh first):
#
#   /git/        git smart HTTP (git http-backend through fcgiwrap)
#   /pypi/       PEP 503 simple index              \
#   /gems/       `gem generate_index` tree          |  static trees made by
#   /composer/   Composer repository                |  packages.py and gems.sh
#   /maven2/     Maven 2 layout                     |
#   /goproxy/    GOPROXY tree                      /
#   /npm/        npm registry (packuments + tarballs); needs a Bearer token
#
# Basic auth (all but /npm/) is nginx auth_basic against an htpasswd file;
# /npm/ accepts `Authorization: Bearer <token>` for the tokens registered.
# Every case registers its own user name (or, for a token, a label), so
# access.log tells which case's credential was accepted:
#   <msec> user=<name or -> token=<label or -> <status> <method> <uri>
# The log never holds a secret: a token is logged by its label only.
#
#   nginx_add_basic USER SECRET   before nginx_start
#   nginx_add_bearer LABEL SECRET before nginx_start
#   nginx_start                   exports E2E_REPO=127.0.0.1:<port> (HTTP) and
#                                 E2E_REPO_TLS=127.0.0.1:<port> (HTTPS, same
#                                 paths; certificate from servers/tls.sh)
#   nginx_log_mark                prints the log's current line count
#   nginx_accepted WHO [MARK]     number of requests since MARK answered 2xx/3xx
#                                 with user=WHO or token=WHO
#   nginx_stop

E2E_NGINX_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

e2e__nginx_dir() {
  printf '%s/nginx' "$E2E_DIR"
}

nginx_add_basic() {
  local d
  d=$(e2e__nginx_dir)
  mkdir -p "$d"
  # -i: the password comes on stdin, never on a command line.
  printf '%s\n' "$2" | htpasswd -i -m "$d/htpasswd" "$1" 2>/dev/null ||
    printf '%s\n' "$2" | htpasswd -c -i -m "$d/htpasswd" "$1" 2>/dev/null
}

nginx_add_bearer() {
  local d label=$1 secret=$2
  d=$(e2e__nginx_dir)
  mkdir -p "$d"
  case $secret in *[\"\\$'\n']*) e2e_fail "bearer tokens with quotes or backslashes are not supported"; return 1 ;; esac
  printf '"Bearer %s" "%s";\n' "$secret" "$label" >> "$d/bearer.map"
}

e2e_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

nginx_start() {
  local d port tlsport
  d=$(e2e__nginx_dir)
  mkdir -p "$d/www" "$d/tmp" "$d/git"
  touch "$d/bearer.map" "$d/htpasswd"
  port=$(e2e_free_port)
  tlsport=$(e2e_free_port)
  export E2E_REPO=127.0.0.1:$port E2E_REPO_TLS=127.0.0.1:$tlsport
  tls_server_cert "$d" || return 1
  python3 "$E2E_NGINX_HERE/packages.py" "$d/www" "http://$E2E_REPO" || return 1
  bash "$E2E_NGINX_HERE/gems.sh" "$d/www/gems" > "$d/gems.log" 2>&1 ||
    { tail -n 20 "$d/gems.log" >&2; e2e_fail "making the gem repository failed"; return 1; }
  bash "$E2E_NGINX_HERE/git-repos.sh" "$d/git" > "$d/git.log" 2>&1 ||
    { tail -n 20 "$d/git.log" >&2; e2e_fail "making the git repositories failed"; return 1; }

  fcgiwrap -s "unix:$d/fcgiwrap.sock" > "$d/fcgiwrap.log" 2>&1 < /dev/null &
  echo $! > "$d/fcgiwrap.pid"

  cat > "$d/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
daemon off;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  client_max_body_size 100m;
  map \$http_authorization \$token_label {
    default "";
    include $d/bearer.map;
  }
  map \$token_label \$token_log { "" "-"; default \$token_label; }
  log_format dfix '\$msec user=\$remote_user token=\$token_log \$status \$request_method \$uri';
  access_log $d/access.log dfix;
  server {
    listen 127.0.0.1:$port;
    listen 127.0.0.1:$tlsport ssl;
    ssl_certificate $d/server.crt;
    ssl_certificate_key $d/server.key;
    root $d/www;
    location ~ ^/git(/.*)\$ {
      auth_basic "git";
      auth_basic_user_file $d/htpasswd;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT $d/git;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param PATH_INFO \$1;
      fastcgi_param REMOTE_USER \$remote_user;
      fastcgi_pass unix:$d/fcgiwrap.sock;
    }
    location ~ ^/(pypi|gems|composer|maven2|goproxy)/ {
      auth_basic "packages";
      auth_basic_user_file $d/htpasswd;
      autoindex on;
    }
    location /npm/ {
      if (\$token_label = "") {
        add_header WWW-Authenticate 'Bearer realm="npm"' always;
        return 401;
      }
      rewrite ^/npm/([^/]+)\$ /npm/\$1/index.json break;
      default_type application/json;
    }
  }
}
EOF
  nginx -c "$d/nginx.conf" > "$d/nginx.out" 2>&1 < /dev/null &
  echo $! > "$d/nginx.bgpid"
  local _
  for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://$E2E_REPO/" && return 0
    sleep 0.1
  done
  cat "$d/nginx.out" "$d/error.log" >&2 2>/dev/null
  e2e_fail "nginx did not start"
}

nginx_log_mark() {
  local f
  f=$(e2e__nginx_dir)/access.log
  if [ -f "$f" ]; then wc -l < "$f"; else echo 0; fi
}

nginx_accepted() {
  local who=$1 mark=${2:-0} f
  f=$(e2e__nginx_dir)/access.log
  [ -f "$f" ] || { echo 0; return; }
  tail -n +"$((mark + 1))" "$f" |
    awk -v u="user=$who" -v t="token=$who" '($2 == u || $3 == t) && $4 ~ /^[23]/ { n++ } END { print n + 0 }'
}

nginx_stop() {
  local d
  d=$(e2e__nginx_dir)
  [ -d "$d" ] || return 0
  e2e__kill_wait "$(cat "$d/nginx.bgpid" 2>/dev/null)" 10
  e2e__kill_wait "$(cat "$d/fcgiwrap.pid" 2>/dev/null)" 10
}
