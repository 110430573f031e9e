#!/usr/bin/env bash
# Installs the Debian packages the test tiers need (real servers: InspIRCd, Prosody, Dovecot, Postfix; the ZNC bouncer;
# the terminal driver; independent protocol peers: python-omemo with slixmpp, matrix-nio with olm), when run as root.
# The TypeScript harnesses call this too, so a single test file run on a fresh machine works.
set -euo pipefail
packages=(inspircd atheme-services prosody znc tmux openssl dovecot-imapd dovecot-lmtpd postfix
  python3-omemo python3-oldmemo python3-twomemo python3-xmlschema python3-slixmpp python3-matrix-nio python3-olm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
# Debian starts the packaged InspIRCd as a system service on 6667; the tests start their own on random loopback ports.
if [[ " ${missing[*]} " == *" inspircd "* ]] && command -v systemctl >/dev/null; then systemctl disable --now inspircd >/dev/null 2>&1 || true; fi
if [[ " ${missing[*]} " == *" prosody "* ]] && command -v systemctl >/dev/null; then systemctl disable --now prosody >/dev/null 2>&1 || true; fi
# Dovecot and Postfix too: the email tests start their own instances from their own config directories.
for svc in dovecot postfix atheme-services; do
  if [[ " ${missing[*]} " == *" $svc"* ]] && command -v systemctl >/dev/null; then systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
done
