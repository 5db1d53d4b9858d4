# shellcheck shell=bash
# A test certificate authority for the servers' HTTPS listener (source it).
# Some clients send a credential only over HTTPS (go: "refusing to pass
# credentials to insecure URL"), so nginx also listens with TLS.
#
#   tls_ca                 make the CA once, in $E2E_CACHE/ca (ca.crt, ca.key;
#                          the key is 0600); images.sh installs ca.crt in every
#                          image's trust store
#   tls_server_cert DIR    DIR/server.{crt,key} for 127.0.0.1, signed by it

tls_ca() {
  local d=$E2E_CACHE/ca
  [ -s "$d/ca.crt" ] && [ -s "$d/ca.key" ] && return 0
  mkdir -p "$d"
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
     -subj "/CN=dfix e2e test CA" -keyout "$d/ca.key.tmp" -out "$d/ca.crt.tmp" 2>/dev/null) ||
    { e2e_fail "making the test CA failed"; return 1; }
  mv "$d/ca.key.tmp" "$d/ca.key"
  mv "$d/ca.crt.tmp" "$d/ca.crt"
}

tls_server_cert() {
  local d=$1 ca=$E2E_CACHE/ca
  (umask 077 && openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
     -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null &&
   printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$d/san.ext" &&
   openssl x509 -req -in "$d/server.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" \
     -CAcreateserial -CAserial "$d/ca.srl" -days 30 -extfile "$d/san.ext" \
     -out "$d/server.crt" 2>/dev/null) || { e2e_fail "making the server certificate failed"; return 1; }
}
