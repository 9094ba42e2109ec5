# bash completion for newsdb(1)                              -*- shell-script -*-
#
# Installed as share/bash-completion/completions/newsdb, where bash-completion
# loads it the first time "newsdb" is completed.  Plain bash otherwise:
#     source completions/newsdb.bash

_newsdb_commands='import search show stats providers topics export check optimize'

# _newsdb_options CMD: the options CMD takes (the global ones without CMD).
_newsdb_options() {
    case $1 in
        '') echo '--db --help --version' ;;
        import) echo '-j --jobs --prune --retry-failed -q --quiet -h --help' ;;
        search) echo '--provider --topic --since --until -n --limit --offset --sort --dedupe --facets --facet-limit --timeline --by -f --format --raw --time -h --help' ;;
        show | check) echo '-f --format -h --help' ;;
        stats) echo '--by -f --format -h --help' ;;
        providers | topics) echo '-s --sort -n --limit -f --format -h --help' ;;
        export) echo '-f --format --force --index --chunk-bytes --changed-since -h --help' ;;
        optimize) echo '-h --help' ;;
    esac
}

# _newsdb_formats CMD: the values of CMD's --format.
_newsdb_formats() {
    case $1 in
        search | providers | topics) echo 'text json ndjson csv tsv' ;;
        show | stats | check) echo 'text json' ;;
        export) echo 'ndjson files opensearch' ;;
    esac
}

# _newsdb_reply WORDS...: the WORDS that start with $cur.
_newsdb_reply() {
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

# _newsdb_files [-d]: file names (folders only with -d) that start with $cur.
_newsdb_files() {
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen "${1:--f}" -- "$cur"))
}

# _newsdb_listed KIND COLUMN: a column of "newsdb providers|topics" for the
# database the command line names, each quoted for the shell.
_newsdb_listed() {
    local -a db=() names=()
    [[ -n $dbpath ]] && db=(--db "$dbpath")
    local IFS=$'\n' name
    names=($(command "${COMP_WORDS[0]}" "${db[@]}" "$1" --format tsv 2>/dev/null |
        cut -f "$2" | tail -n +2 | sort -u))
    COMPREPLY=()
    for name in "${names[@]}"; do
        [[ $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
    done
}

_newsdb() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' dbpath='' w
    local -i i=1
    COMPREPLY=()

    # --opt=value arrives as "--opt" "=" "value" (= is in COMP_WORDBREAKS).
    (( COMP_CWORD >= 1 )) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [[ $cur == = ]]; then
        cur=''
    elif [[ $prev == = ]] && (( COMP_CWORD >= 2 )); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # The command: the first word that is neither a global option nor the
    # value of --db.
    while (( i < COMP_CWORD )); do
        w=${COMP_WORDS[i]}
        if [[ $w == --db ]]; then
            [[ ${COMP_WORDS[i + 1]} == = ]] && i+=1
            (( i + 1 < COMP_CWORD )) && dbpath=${COMP_WORDS[i + 1]}
            i+=2
            continue
        fi
        if [[ $w != -* ]]; then
            cmd=$w
            break
        fi
        i+=1
    done

    # The value of an option.
    case $prev in
        --db)
            _newsdb_files
            return 0
            ;;
        -f | --format)
            [[ -n $cmd ]] && _newsdb_reply "$(_newsdb_formats "$cmd")"
            return 0
            ;;
        -s | --sort)
            case $cmd in
                search) _newsdb_reply rank date -date ;;
                providers | topics) _newsdb_reply count name ;;
            esac
            return 0
            ;;
        --by)
            case $cmd in
                search) _newsdb_reply day week month year ;;
                *) _newsdb_reply month year ;;
            esac
            return 0
            ;;
        --facets)
            # a list of facets (or the query's first word: nothing offered)
            _newsdb_reply provider topic month year type
            return 0
            ;;
        --provider)
            _newsdb_listed providers 2
            return 0
            ;;
        --topic)
            _newsdb_listed topics 1
            return 0
            ;;
        -j | --jobs | -n | --limit | --offset | --since | --until | --index | \
        --chunk-bytes | --changed-since | --facet-limit)
            return 0
            ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _newsdb_reply "$(_newsdb_options '')"
        else
            _newsdb_reply "$_newsdb_commands"
        fi
        return 0
    fi
    if [[ $cur == -* ]]; then
        _newsdb_reply "$(_newsdb_options "$cmd")"
        return 0
    fi
    # The arguments.
    case $cmd in
        import | show) _newsdb_files ;;
        export) _newsdb_files -d ;;
    esac
    return 0
}

complete -F _newsdb newsdb
