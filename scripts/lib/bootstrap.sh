#!/usr/bin/env bash
# Sourced helper for scripts/newsdb, scripts/test and scripts/bench; not meant
# to be run.
#
#   nd_bootstrap build|test   make sure the tools and libraries are installed
#                             (apt-get when root; otherwise say what to run)
#   nd_bootstrap_bench_peer   the same for the bench's peer pipeline
#                             (sqlite-utils, python3-yaml); never exits
#   nd_build DIR [ARGS...]    meson setup DIR ARGS (only when needed), then ninja
#
# ND_REPO is the repository root (set here from this file's own location).
# Everything these functions print goes to stderr, so a caller's stdout stays
# its own.
set -euo pipefail

ND_REPO=$(readlink -f -- "${BASH_SOURCE[0]}")
ND_REPO=${ND_REPO%/*}          # scripts/lib
ND_REPO=${ND_REPO%/*}          # scripts
ND_REPO=${ND_REPO%/*}          # the repository
[[ -n $ND_REPO ]] || ND_REPO=/

_nd_apt_updated=0

_nd_say() { printf 'newsdb: %s\n' "$*" >&2; }

# _nd_installed PKG: is the Debian package PKG installed (dpkg-query, no apt)?
_nd_installed() {
    command -v dpkg-query >/dev/null 2>&1 || return 1
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

# _nd_available PKG: does apt know a candidate for PKG?
_nd_available() {
    command -v apt-cache >/dev/null 2>&1 || return 1
    local cand
    cand=$(apt-cache policy -- "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
    [[ -n $cand && $cand != '(none)' ]]
}

_nd_apt_update() {
    (( _nd_apt_updated )) && return 0
    _nd_apt_updated=1
    _nd_say "apt-get update"
    # A failed update may still leave usable lists: let install decide.
    DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 \
        update </dev/null >&2 || _nd_say "warning: apt-get update failed"
}

# nd_bootstrap LEVEL: LEVEL is "build" (enough to build and run newsdb and
# its tests) or "test" (build + sqlite3 CLI, valgrind, clang and clang's
# sanitizer runtime). Fast when everything is there: no apt call at all.
nd_bootstrap() {
    local level=${1:-build}
    case $level in
        build|test) ;;
        *) _nd_say "nd_bootstrap: unknown level '$level' (build|test)"; return 2 ;;
    esac

    local -a pkgs=() what=() optional=()
    local p

    # Build level: commands ...
    command -v meson >/dev/null 2>&1 || { pkgs+=(meson); what+=(meson); }
    command -v ninja >/dev/null 2>&1 || { pkgs+=(ninja-build); what+=(ninja); }
    command -v python3 >/dev/null 2>&1 || { pkgs+=(python3); what+=(python3); }
    if ! command -v "${CC:-cc}" >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
        pkgs+=(gcc libc6-dev); what+=("a C compiler")
    fi
    # ... and libraries, found through pkg-config (or dpkg while it is missing).
    local -A libpkg=([yaml-0.1]=libyaml-dev [sqlite3]=libsqlite3-dev [check]=check)
    if command -v pkg-config >/dev/null 2>&1; then
        if ! pkg-config --exists yaml-0.1 sqlite3 check 2>/dev/null; then
            for p in yaml-0.1 sqlite3 check; do
                pkg-config --exists "$p" 2>/dev/null \
                    || { pkgs+=("${libpkg[$p]}"); what+=("$p (pkg-config)"); }
            done
        fi
    else
        pkgs+=(pkg-config); what+=(pkg-config)
        for p in yaml-0.1 sqlite3 check; do
            _nd_installed "${libpkg[$p]}" \
                || { pkgs+=("${libpkg[$p]}"); what+=("$p (pkg-config)"); }
        done
    fi

    if [[ $level == test ]]; then
        command -v sqlite3 >/dev/null 2>&1 || { pkgs+=(sqlite3); what+=(sqlite3); }
        # the interop tests: the man page, and the database in other tools
        command -v sqlite-utils >/dev/null 2>&1 || { pkgs+=(sqlite-utils); what+=(sqlite-utils); }
        command -v groff >/dev/null 2>&1 || { pkgs+=(groff-base); what+=(groff); }
        command -v man >/dev/null 2>&1 || { pkgs+=(man-db); what+=(man); }
        command -v valgrind >/dev/null 2>&1 || { pkgs+=(valgrind); what+=(valgrind); }
        local clang_major=14
        if command -v clang >/dev/null 2>&1; then
            clang_major=$(clang -dumpversion 2>/dev/null || echo 14)
            clang_major=${clang_major%%.*}
        else
            pkgs+=(clang); what+=(clang)
        fi
        # clang's sanitizer and libFuzzer runtime: a Recommends of clang on
        # Debian 12, so not pulled in by --no-install-recommends.
        if command -v dpkg-query >/dev/null 2>&1 \
            && ! _nd_installed "libclang-rt-$clang_major-dev"; then
            optional+=("libclang-rt-$clang_major-dev")
        fi
    fi

    # An optional package (one apt may not have) counts as missing only when
    # apt knows it: in the lists as they are, or in fresh lists when updating
    # anyway. Its failure to install never fails the bootstrap.
    local -a extra=()
    if (( ${#pkgs[@]} == 0 )); then
        for p in "${optional[@]}"; do
            _nd_available "$p" && extra+=("$p")
        done
        (( ${#extra[@]} > 0 )) || return 0
        optional=()
    fi

    if ! command -v apt-get >/dev/null 2>&1; then
        _nd_say "missing: ${what[*]}"
        _nd_say "no apt-get here to install them: install them with your package manager"
        exit 1
    fi
    if [[ $(id -u) -ne 0 ]]; then
        for p in "${optional[@]}"; do
            _nd_available "$p" && extra+=("$p")
        done
        printf 'newsdb: missing build dependencies; install them with:\n  sudo apt-get install -y %s\n' \
            "${pkgs[*]}${extra[*]:+ ${extra[*]}}" >&2
        exit 1
    fi

    _nd_apt_update
    for p in "${optional[@]}"; do
        _nd_available "$p" && extra+=("$p")
    done
    if ! _nd_apt_install "${pkgs[@]}" "${extra[@]}"; then
        if (( ${#extra[@]} == 0 )) || { (( ${#pkgs[@]} > 0 )) && ! _nd_apt_install "${pkgs[@]}"; }; then
            _nd_say "apt-get install failed: ${pkgs[*]} ${extra[*]}"
            exit 1
        fi
        _nd_say "warning: could not install ${extra[*]}; going on without"
    fi
    hash -r
}

# nd_bootstrap_bench_peer: the tools of the pipeline scripts/bench measures
# newsdb against (the sqlite-utils CLI, and Debian's PyYAML with its libyaml
# loader for /usr/bin/python3), installed with apt-get when root; otherwise
# it prints the command to run. Never exits, never fails the caller's run:
# returns non-zero while they are missing, and the bench skips that part.
nd_bootstrap_bench_peer() {
    local -a pkgs=()
    command -v sqlite-utils >/dev/null 2>&1 || pkgs+=(sqlite-utils)
    if command -v dpkg-query >/dev/null 2>&1; then
        _nd_installed python3-yaml || pkgs+=(python3-yaml)
    elif ! python3 -c 'import yaml; yaml.CSafeLoader' >/dev/null 2>&1; then
        pkgs+=(python3-yaml)
    fi
    (( ${#pkgs[@]} > 0 )) || return 0

    if ! command -v apt-get >/dev/null 2>&1; then
        _nd_say "the bench's peer pipeline needs: ${pkgs[*]} (no apt-get here: install them with your package manager)"
        return 1
    fi
    if [[ $(id -u) -ne 0 ]]; then
        printf 'newsdb: the bench'"'"'s peer pipeline needs %s; install with:\n  sudo apt-get install -y %s\n' \
            "${pkgs[*]}" "${pkgs[*]}" >&2
        return 1
    fi
    _nd_apt_update
    if ! _nd_apt_install "${pkgs[@]}"; then
        _nd_say "warning: could not install ${pkgs[*]}"
        return 1
    fi
    hash -r
}

_nd_apt_install() {
    (( $# > 0 )) || return 0
    _nd_say "installing: $*"
    DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
        -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0 \
        install -- "$@" </dev/null >&2
}

# _nd_quiet LOG CMD...: run CMD with its output in LOG; show LOG on failure.
_nd_quiet() {
    local log=$1 rc=0; shift
    "$@" >"$log" 2>&1 || rc=$?
    (( rc == 0 )) || cat -- "$log" >&2
    return "$rc"
}

# nd_build DIR [MESON SETUP ARGS...]: configure DIR (relative to ND_REPO unless
# absolute) when it is not configured or was configured differently, then
# build it with ninja. Quiet unless something fails. Returns non-zero on
# failure (never exits).
nd_build() {
    local dir=$1; shift
    [[ $dir == /* ]] || dir=$ND_REPO/$dir
    mkdir -p -- "$dir"

    # One build per directory at a time (two scripts/newsdb runs at once).
    local lockfd
    if command -v flock >/dev/null 2>&1; then
        exec {lockfd}>"$dir/.nd-lock"
        flock "$lockfd"
    fi
    # The log lives outside DIR: "meson setup --wipe" empties DIR.
    local rc=0 log
    log=$(mktemp "${TMPDIR:-/tmp}/newsdb-build.XXXXXX")
    _nd_build_locked "$dir" "$log" "$@" || rc=$?
    rm -f -- "$log"
    if [[ -n ${lockfd:-} ]]; then
        exec {lockfd}>&-
    fi
    return "$rc"
}

_nd_build_locked() {
    local dir=$1 log=$2; shift 2
    local stamp=$dir/.nd-setup
    local meson_bin want have=''
    meson_bin=$(command -v meson)
    # What this configuration depends on: the arguments, the compiler asked
    # for, and the meson in use (its path and mtime change when it's upgraded).
    want=$(printf '%s\n' "CC=${CC:-}" "meson=$meson_bin $(stat -L -c %Y -- "$meson_bin" 2>/dev/null)" "$@")
    [[ -f $stamp ]] && have=$(<"$stamp")

    local name=${dir#"$ND_REPO"/}
    if [[ ! -f $dir/meson-private/coredata.dat ]]; then
        _nd_say "configuring $name"
        rm -f -- "$stamp"
        _nd_quiet "$log" meson setup "$@" -- "$dir" "$ND_REPO" || return 1
    elif [[ ! -f $dir/build.ninja ]]; then
        _nd_say "reconfiguring $name (broken setup)"
        _nd_quiet "$log" meson setup --wipe "$@" -- "$dir" "$ND_REPO" || return 1
    elif [[ $want != "$have" ]]; then
        _nd_say "reconfiguring $name"
        # Same compiler (or a setup of the user's own): keep the build and
        # apply the arguments; else, or when that fails, start over.
        if [[ -n $have && ${have%%$'\n'*} != "CC=${CC:-}" ]] \
            || ! meson setup --reconfigure "$@" -- "$dir" "$ND_REPO" >"$log" 2>&1; then
            _nd_quiet "$log" meson setup --wipe "$@" -- "$dir" "$ND_REPO" || return 1
        fi
    fi
    printf '%s\n' "$want" >"$stamp"

    if ninja -C "$dir" >"$log" 2>&1; then
        return 0
    fi
    if grep -q '^FAILED: build.ninja' "$log"; then
        # Regeneration failed (meson upgraded, setup damaged): wipe once.
        _nd_say "reconfiguring $name (regeneration failed)"
        _nd_quiet "$log" meson setup --wipe "$@" -- "$dir" "$ND_REPO" || { rm -f -- "$stamp"; return 1; }
        _nd_quiet "$log" ninja -C "$dir" || return 1
        return 0
    fi
    cat -- "$log" >&2
    return 1
}
