#!/usr/bin/env bash
# A private dovecot IMAP server for amends-mail's tests, on 127.0.0.1 only.
#
#   tests/dovecot.sh install            installs dovecot-imapd when missing (needs root or sudo)
#   tests/dovecot.sh start DIR [PORT] [starttls]
#                                       writes DIR/dovecot.conf, starts dovecot, prints the port
#   tests/dovecot.sh stop DIR           stops that dovecot and removes DIR
#
# The instance: plain-text LOGIN allowed (no TLS; loopback only) — or, with
# "starttls", TLS offered by STARTTLS, with a certificate for 127.0.0.1 and localhost
# from a private CA whose certificate is DIR/ca.pem (for the client to trust) — one user from
# DIR/passwd (user "desk", password in $AMENDS_IMAP_PASSWORD or "desk-pass"),
# mail in DIR/mail/desk as a Maildir that a test may deliver into by writing
# files to DIR/mail/desk/new (readable files; the folders belong to dovecot).
# Dovecot refuses to access mail as root, so under root the mail belongs to
# "nobody"; otherwise to the calling user.
set -euo pipefail

install() {
    if [ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ]; then
        return
    fi
    # Several tests may ask at once: one apt-get at a time.
    exec 9>"${TMPDIR:-/tmp}/amends-dovecot-install.lock"
    flock 9
    if [ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ]; then
        return
    fi
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing dovecot-imapd for the IMAP tests" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dovecot-imapd >&2
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir port password uid gid
    dir=$(realpath -m "$1")
    port=${2:-$(free_port)}
    password=${AMENDS_IMAP_PASSWORD:-desk-pass}
    local tls="ssl = no
disable_plaintext_auth = no"
    if [ "${3:-}" = starttls ]; then
        mkdir -p "$dir"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=amends-test-ca \
            -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
            -keyout "$dir/key.pem" -out "$dir/request.pem" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
            > "$dir/server.ext"
        openssl x509 -req -in "$dir/request.pem" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
            -CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/cert.pem" 2>/dev/null
        chmod 644 "$dir/key.pem" "$dir/cert.pem" "$dir/ca.pem"
        tls="ssl = required
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
disable_plaintext_auth = no"
    fi
    install
    mkdir -p "$dir"/run "$dir"/state "$dir"/home/desk "$dir"/mail/desk/{cur,new,tmp}
    chmod 755 "$dir" "$dir"/run
    if [ "$(id -u)" -eq 0 ]; then
        uid=$(id -u nobody)
        gid=$(id -g nobody)
        chown -R "$uid:$gid" "$dir"/home "$dir"/mail
    else
        uid=$(id -u)
        gid=$(id -g)
    fi
    # passwd-file: user:password:uid:gid:gecos:home:shell:extra
    printf 'desk:{PLAIN}%s::::::\n' "$password" > "$dir/passwd"
    chmod 644 "$dir/passwd"
    cat > "$dir/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
$tls
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:$dir/mail/%u
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
    # Its own output goes to its log: a daemon holding our stdout would keep
    # whoever reads the port waiting for end of file.
    /usr/sbin/dovecot -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.log" 2>&1
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
        sleep 0.1
    done
    echo "dovecot did not start listening on $port; its log:" >&2
    cat "$dir/dovecot.log" >&2 || true
    exit 1
}

stop() {
    local dir
    dir=$(realpath -m "$1")
    if [ -f "$dir/dovecot.conf" ]; then
        /usr/bin/doveadm -c "$dir/dovecot.conf" stop 2>/dev/null || {
            [ -f "$dir/run/master.pid" ] && kill "$(cat "$dir/run/master.pid")" 2>/dev/null || true
        }
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    install) install ;;
    start) start "${2:?DIR}" "${3:-}" "${4:-}" ;;
    stop) stop "${2:?DIR}" ;;
    *) echo "usage: $0 install | start DIR [PORT] [starttls] | stop DIR" >&2; exit 2 ;;
esac
