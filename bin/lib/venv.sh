# Sourced by bin/start and bin/test: makes .venv hold exactly what a lock file
# under requirements/ names, with every file checked against its hash.
#
#   venv_from_lock main   what the platform needs to run (requirements/main.txt)
#   venv_from_lock dev    that and the test and lint tools (requirements/dev.txt)
#
# The dev lock is a superset of the main one at the same versions, so a .venv
# made for the tests also serves bin/start. When the wanted lock changed since
# .venv was made, .venv is made again from nothing: nothing is left over from
# an older lock. bin/lock refreshes the lock files.

VENV_STAMP=.venv/nurture-lock.stamp

# What a lock pins, without its comments: a refreshed header is not a change.
venv_lock_hash() { grep -v '^[[:space:]]*#' "requirements/$1.txt" | sha256sum | cut -d' ' -f1; }

venv_from_lock() {
    local want=$1 python="${PYTHON:-python3}"
    local stamp
    stamp="$(cat "$VENV_STAMP" 2>/dev/null || true)"
    if [[ -x .venv/bin/python ]]; then
        [[ "$stamp" == "$want $(venv_lock_hash "$want")" ]] && return 0
        [[ "$want" == main && "$stamp" == "dev $(venv_lock_hash dev)" ]] && return 0
        printf '\n==> requirements/%s.txt is not what .venv was made from: making .venv again\n' "$want"
        rm -rf .venv
    fi
    command -v "$python" >/dev/null || venv_fail "$python not found: install Python 3.11 or newer."
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        venv_fail "Nurture needs Python 3.11 or newer; $python is $("$python" --version 2>&1)."
    printf '\n==> Creating .venv and installing requirements/%s.txt (the first time takes a minute)\n' "$want"
    if ! "$python" -m venv .venv; then
        rm -rf .venv
        venv_fail "$python -m venv failed. On Debian or Ubuntu: apt-get install python3-venv"
    fi
    if ! .venv/bin/python -m pip install --disable-pip-version-check -q --require-hashes --no-deps \
        -r "requirements/$want.txt"; then
        rm -rf .venv
        venv_fail "installing requirements/$want.txt failed (see above); nothing was left half-installed"
    fi
    echo "$want $(venv_lock_hash "$want")" >"$VENV_STAMP"
}

venv_fail() {
    printf '\n%s: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}
