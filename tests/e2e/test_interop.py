"""newsdb in its ecosystem: what `meson install` puts in place (binary, man
page, bash and zsh completions), that the man page and the completions agree
with the binary's own --help and with the command table it is printed from
(tools/cli_options), and that the database works as it is in the sqlite3 CLI
and sqlite-utils.

The tools these tests use (meson, groff, man, bash, sqlite3, sqlite-utils)
are installed by scripts/test; a missing one fails the test. zsh is optional.
"""
import json
import os
import re
import shutil
import subprocess
import time

from e2e import BIN, CORPUS, DATA, SEEDS, NewsdbTest, main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(BIN)))  # BUILD/src/newsdb
MAN_PAGE = os.path.join(ROOT, "docs", "man", "newsdb.1")
BASH_COMPLETION = os.path.join(ROOT, "completions", "newsdb.bash")
ZSH_COMPLETION = os.path.join(ROOT, "completions", "_newsdb")
# prints the command table and every command's options (src/cli/options.h) as JSON
CLI_OPTIONS = os.environ.get("NEWSDB_CLI_OPTIONS") or os.path.join(BUILD, "tools", "cli_options")
SCHEMA = os.path.join(ROOT, "schema", "001_init.sql")
SCHEMA_DOC = os.path.join(ROOT, "docs", "schema.md")
FEED_TEMPLATE = os.path.join(ROOT, "share", "newsdb", "opensearch-template.json")

SEED_URL = "https://siliconangle.com/2021/12/29/chinas-largest-ai-firm-sensetime-raises-700m-hong-kong-ipo/"
# what `meson install` must put under the prefix, and the file it comes from
INSTALLED = {
    "bin/newsdb": BIN,
    "share/man/man1/newsdb.1": MAN_PAGE,
    "share/bash-completion/completions/newsdb": BASH_COMPLETION,
    "share/zsh/site-functions/_newsdb": ZSH_COMPLETION,
    "share/newsdb/opensearch-template.json": FEED_TEMPLATE,
}
USER_TABLES = {"articles", "providers", "provider_images", "topics", "article_topics",
               "images", "article_images", "related_links", "sources"}
FTS_TABLES = {"articles_fts", "articles_trigram"}
# newsdb's own bookkeeping, named apart with a leading _newsdb_
BOOKKEEPING_TABLES = {"_newsdb_meta", "_newsdb_feed", "_newsdb_terms", "_newsdb_term_counts",
                      "_newsdb_rank_lists", "_newsdb_blocks", "_newsdb_block_ranks"}
FTS5_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300),
                          **kw)


class Tools(NewsdbTest):
    def tool(self, name):
        """The path of a tool the test needs: missing is a failure, not a skip."""
        path = shutil.which(name)
        if path is None:
            self.fail(f"{name} is not installed (scripts/test installs it)")
        return path

    def help_text(self, *command):
        r = run([BIN, *command, "--help"])
        self.assertEqual(r.returncode, 0, r)
        return r.stdout

    def commands(self):
        """The commands `newsdb --help` lists."""
        text = self.help_text().split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
        names = [line.split()[0] for line in text.splitlines()]
        self.assertIn("search", names)
        return names

    def options(self, command):
        """The options `newsdb COMMAND --help` lists, short and long, and
        -h, --help, which every command takes."""
        opts = ["-h", "--help"]
        for line in self.help_text(command).splitlines():
            m = re.match(r"\s+(?:(-\w), )?(--[a-z][a-z-]*)", line)
            if m:
                opts += [o for o in m.groups() if o]
        return sorted(set(opts))

    def formats(self, command):
        """The --format values `newsdb COMMAND --help` names, or []."""
        for line in self.help_text(command).splitlines():
            m = re.match(r"\s+(?:-f, )?--format FMT\s+(.*)", line)
            if m:
                return [w for w in re.findall(r"[a-z]+", m.group(1)) if w not in ("default", "or")]
        return []

    def imported(self, *paths, broken=False):
        """Import the seed and data/ (or PATHS), and with BROKEN a file that
        fails, into self.db."""
        paths = list(paths or (SEEDS, DATA))
        if broken:
            paths.append(os.path.join(self.dir, "broken.txt"))
            with open(paths[-1], "w") as f:
                f.write("---\ntitle: [unclosed\nwebUrl: https://example.com/x\n---\n")
        r = self.run_newsdb("import", *paths)
        self.assertEqual(r.code, 1 if broken else 0, r)
        return paths[-1]


class Install(Tools):
    def test_meson_install_puts_binary_man_page_and_completions_in_place(self):
        meson = self.tool("meson")
        dest = os.path.join(self.dir, "dest")
        r = run([meson, "install", "-C", BUILD, "--no-rebuild", "--destdir", dest])
        self.assertEqual(r.returncode, 0, r)
        r = run([meson, "introspect", BUILD, "--installed"])
        self.assertEqual(r.returncode, 0, r)
        # {installed path: source or built file}
        installed = {dst: src for src, dst in json.loads(r.stdout).items()}
        for suffix, origin in INSTALLED.items():
            with self.subTest(suffix):
                paths = [p for p in installed if p.endswith("/" + suffix)]
                self.assertEqual(len(paths), 1, sorted(installed))
                path = dest + paths[0]
                self.assertTrue(os.path.isfile(path), path)
                if suffix.startswith("bin/"):
                    # the same program (install may strip it or edit its rpath)
                    self.assertTrue(os.access(path, os.X_OK))
                    v = run([path, "--version"])
                    self.assertEqual(v.returncode, 0, v)
                    self.assertRegex(v.stdout, r"^newsdb \d+\.\d+")
                    self.assertEqual(v.stdout, run([BIN, "--version"]).stdout)
                    continue
                with open(path, "rb") as f, open(origin, "rb") as g:
                    self.assertEqual(f.read(), g.read(), path)


class ManPage(Tools):
    def render(self):
        """The page as plain text: no hyphenation, lines long enough never to
        break an option's name."""
        groff = self.tool("groff")
        r = run([groff, "-man", "-Tascii", "-P-cbou", "-rHY=0", "-rLL=300n", MAN_PAGE])
        self.assertEqual(r.returncode, 0, r)
        return r.stdout

    def test_groff_and_man_warn_about_nothing(self):
        r = run([self.tool("groff"), "-ww", "-man", "-z", MAN_PAGE])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        # a locale every Debian has, so that man has nothing to say about it
        env = {**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8", "MANPAGER": "cat", "PAGER": "cat"}
        r = run([self.tool("man"), "-l", MAN_PAGE], env=env)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("newsdb - index a folder of news articles", r.stdout)

    def test_every_command_and_option_of_the_help_is_described(self):
        text = self.render()
        for section in ["SYNOPSIS", "COMMANDS", "QUERY SYNTAX", "EXIT STATUS", "ENVIRONMENT",
                        "FILES", "EXAMPLES"]:
            self.assertRegex(text, rf"(?m)^{section}$")
        # each command has a subsection (an indented heading) of its own
        # listing every option its --help lists
        headings = [m.start() for m in re.finditer(r"(?m)^   \S", text)] + [len(text)]
        blocks = [text[a:b] for a, b in zip(headings, headings[1:])]
        for command in self.commands():
            with self.subTest(command):
                mine = [b for b in blocks if re.match(rf"   (.*, )?{command}\b", b)]
                self.assertEqual(len(mine), 1, f"no subsection for {command}")
                for option in set(self.options(command)) - {"-h", "--help"}:
                    self.assertRegex(mine[0], rf"(?<![\w-]){re.escape(option)}\b")
        self.assertIn("Every command takes -h, --help.", text)
        for option in ["--db", "--help", "--version", "NEWSDB_DB", "NO_COLOR", "news.db-wal",
                       "news.db-shm"]:
            self.assertIn(option, text)
        # the query syntax, dates of three precisions, and the exit codes
        for word in ['"exact phrase"', " OR ", "-word", "pre*", "title:word", "provider:X",
                     "topic:X", "since:D", "until:D", "(2021)", "(2021-12)", "(2021-12-30)",
                     "--raw"]:
            self.assertIn(word, text)
        exits = text.split("\nEXIT STATUS\n", 1)[1].split("\nENVIRONMENT\n", 1)[0]
        self.assertEqual(re.findall(r"(?m)^\s+(\d)\s", exits), ["0", "1", "2"])


class BashCompletion(Tools):
    def complete(self, *words, cwd=None):
        """COMPREPLY for a command line whose last word is being completed,
        from the function the file registers with `complete -F` for newsdb."""
        script = r"""
            source "$1" || exit 3
            shift
            spec=$(complete -p newsdb) || exit 4
            fn=${spec##*-F } fn=${fn%% *}
            COMP_WORDS=("$@") COMP_CWORD=$(( $# - 1 )) COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            "$fn" newsdb "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\n' "${COMPREPLY[@]}"
        """
        env = {**os.environ, "PATH": os.path.dirname(os.path.abspath(BIN)) + ":" + os.environ["PATH"]}
        env.pop("NEWSDB_DB", None)
        r = run([self.tool("bash"), "--norc", "--noprofile", "-c", script, "bash",
                 BASH_COMPLETION, "newsdb", *words], cwd=cwd or self.dir, env=env)
        self.assertEqual((r.returncode, r.stderr), (0, ""), words)
        return [w for w in r.stdout.splitlines() if w]

    def test_commands(self):
        self.assertEqual(self.complete("se"), ["search"])
        self.assertEqual(self.complete("to"), ["topics"])
        self.assertEqual(sorted(self.complete("")), sorted(self.commands()))
        self.assertEqual(self.complete("--db", "x.db", "ex"), ["export"])
        self.assertEqual(sorted(self.complete("-")), ["--db", "--help", "--version"])

    def test_options_of_every_command_match_its_help(self):
        for command in self.commands():
            with self.subTest(command):
                self.assertEqual(sorted(self.complete(command, "-")), self.options(command))

    def test_format_values_of_every_command_match_its_help(self):
        self.assertEqual(self.complete("search", "--format", ""),
                         ["text", "json", "ndjson", "csv", "tsv"])
        self.assertEqual(self.complete("search", "--format", "=", "js"), ["json"])
        self.assertEqual(self.complete("export", "-f", ""), ["ndjson", "files", "opensearch"])
        for command in self.commands():
            with self.subTest(command):
                offered = self.complete(command, "--format", "")
                self.assertEqual(offered, self.formats(command))
                for value in offered:  # the binary takes each one
                    r = run([BIN, command, "--format", value, "--help"])
                    self.assertEqual(r.returncode, 0, r)

    def test_other_option_values(self):
        self.assertEqual(self.complete("search", "--sort", ""), ["rank", "date", "-date"])
        self.assertEqual(self.complete("providers", "-s", ""), ["count", "name"])
        self.assertEqual(self.complete("stats", "--by", ""), ["month", "year"])
        self.assertEqual(self.complete("search", "--limit", ""), [])
        # providers and topics come from the database the line names
        self.imported()
        self.assertEqual(self.complete("--db", self.db, "search", "--provider", "siliconang"),
                         ["siliconangle.com"])
        self.assertEqual(self.complete("--db", self.db, "search", "--topic", "Artificial"),
                         ["Artificial\\ Intelligence"])
        os.mkdir(os.path.join(self.dir, "elsewhere"))  # no ./news.db there
        self.assertEqual(self.complete("search", "--topic", "A",
                                       cwd=os.path.join(self.dir, "elsewhere")), [])

    def test_files_and_folders(self):
        os.makedirs(os.path.join(self.dir, "news", "2021"))
        with open(os.path.join(self.dir, "news.txt"), "w") as f:
            f.write("x")
        self.assertEqual(sorted(self.complete("import", "new")), ["news", "news.txt"])
        self.assertEqual(self.complete("import", "news/"), ["news/2021"])
        self.assertEqual(self.complete("export", "new"), ["news"])  # folders only
        self.assertEqual(sorted(self.complete("--db", "new")), ["news", "news.txt"])
        self.assertEqual(sorted(self.complete("show", "new")), ["news", "news.txt"])
        self.assertEqual(self.complete("stats", "new"), [])


class ZshCompletion(Tools):
    def setUp(self):
        super().setUp()
        self.zsh = shutil.which("zsh")
        if self.zsh is None:
            self.skipTest("zsh is not installed (optional)")

    def test_syntax(self):
        r = run([self.zsh, "-n", ZSH_COMPLETION])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        with open(ZSH_COMPLETION) as f:
            self.assertEqual(f.readline(), "#compdef newsdb\n")

    def complete(self, line):
        """What zsh's completion system offers for LINE<TAB>, in a real
        interactive zsh on a pseudo-terminal (zsh/zpty)."""
        self.calls = getattr(self, "calls", 0) + 1
        out = os.path.join(self.dir, f"offered-{self.calls}")
        driver = r"""
            zmodload zsh/zpty || exit 3
            zpty z zsh -f -i
            zpty -w z "PROMPT=''; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
            zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a h; builtin compadd -A h "$@"; (( $#h )) && print -l -- $h >>'${(q)2}'; builtin compadd "$@"; }'
            zpty -w -n z "$3"$'\t'
            for i in {1..100}; do [[ -s $2 ]] && break; sleep 0.1; done
            sleep 0.3
            zpty -d z
        """
        r = run([self.zsh, "-f", "-c", driver, "zsh", os.path.dirname(ZSH_COMPLETION), out, line],
                cwd=self.dir, timeout=60)
        self.assertEqual(r.returncode, 0, r)
        time.sleep(0.1)
        if not os.path.exists(out):
            return []
        with open(out) as f:
            return sorted(set(f.read().split()))

    def test_commands_and_formats(self):
        self.assertEqual(self.complete("newsdb se"), ["search"])
        self.assertEqual(self.complete("newsdb search --format "),
                         ["csv", "json", "ndjson", "text", "tsv"])
        self.assertEqual(self.complete("newsdb export -f "), ["files", "ndjson", "opensearch"])
        self.assertEqual(self.complete("newsdb stats --by "), ["month", "year"])


def roff(text):
    """TEXT as the man page writes it: every hyphen escaped."""
    return text.replace("-", "\\-")


def man_tag(o):
    """The .TP tag line of option O in the man page."""
    name = roff("--" + o["long"])
    if o["short"] and o["arg"]:
        return f'.BR {roff("-" + o["short"])} ", " {name} " \\fI{o["arg"]}\\fR"'
    if o["short"]:
        return f'.BR {roff("-" + o["short"])} ", " {name}'
    if o["arg"] and o["optional"]:
        return f'.BR {name} " [\\fI{o["arg"]}\\fR]"'
    if o["arg"]:
        return f'.BI {name} " {o["arg"]}"'
    return f".B {name}"


class OptionsTable(Tools):
    """The man page and both completion scripts against the one table that
    parses each command's options and prints its --help: any option added,
    renamed or given other values there and not here fails."""

    bash_complete = BashCompletion.complete

    def table(self):
        r = run([CLI_OPTIONS])
        self.assertEqual((r.returncode, r.stderr), (0, ""), r)
        return json.loads(r.stdout)["commands"]

    def test_help_is_the_table(self):
        table = self.table()
        self.assertEqual([c["name"] for c in table], self.commands())
        for cmd in table:
            with self.subTest(cmd["name"]):
                listed = []
                for line in self.help_text(cmd["name"]).splitlines():
                    m = re.match(r"  (?:-(\w), |    )--([a-z][a-z-]*)(?: \[?([A-Z]+)\]?)?", line)
                    if m:
                        listed.append(m.groups())
                mine = [(o["short"], o["long"], o["arg"]) for o in cmd["options"]]
                self.assertEqual(listed, mine + [("h", "help", None)] if mine else [])

    def test_man_page_options_are_the_table(self):
        with open(MAN_PAGE) as f:
            page = f.read()
        commands = page.split("\n.SH COMMANDS\n", 1)[1].split("\n.SH ", 1)[0]
        sections = re.split(r"(?m)^\.SS ", commands)[1:]
        for cmd in self.table():
            with self.subTest(cmd["name"]):
                mine = [s for s in sections
                        if re.match(rf'"?(.*, )?{cmd["name"]}\b', s)]
                self.assertEqual(len(mine), 1, cmd["name"])
                entries = re.split(r"(?m)^\.TP\n", mine[0])[1:]
                tags = [e.split("\n", 1)[0] for e in entries]
                self.assertEqual(tags, [man_tag(o) for o in cmd["options"]])
                for o, entry in zip(cmd["options"], entries):
                    for value in o["choices"]:
                        self.assertRegex(entry, rf"(?m)^\.BR? {re.escape(roff(value))}( [,.;])?$",
                                         f'--{o["long"]} {value}')

    def test_bash_completion_is_the_table(self):
        os.makedirs(os.path.join(self.dir, "news"))
        with open(os.path.join(self.dir, "news.txt"), "w") as f:
            f.write("x")
        operands = {"files": ["news", "news.txt"], "folders": ["news"], "none": []}
        for cmd in self.table():
            name = cmd["name"]
            with self.subTest(name):
                names = ["-h", "--help"]
                for o in cmd["options"]:
                    names += (["-" + o["short"]] if o["short"] else []) + ["--" + o["long"]]
                self.assertEqual(sorted(self.bash_complete(name, "-")), sorted(names))
                self.assertEqual(sorted(self.bash_complete(name, "new")), operands[cmd["operands"]])
                for o in cmd["options"]:
                    if not o["arg"] or o["complete"] in ("providers", "topics"):
                        continue  # those read a database: test_other_option_values
                    for spelled in (["-" + o["short"]] if o["short"] else []) + ["--" + o["long"]]:
                        want = o["choices"] if o["complete"] == "choices" else []
                        self.assertEqual(self.bash_complete(name, spelled, ""), want, spelled)

    def test_zsh_completion_is_the_table(self):
        with open(ZSH_COMPLETION) as f:
            script = f.read()
        table = self.table()
        listed = re.findall(r"(?m)^    '([a-z]+):(.*)'$", script.split("cmds=(", 1)[1].split(")", 1)[0])
        self.assertEqual(listed, [(c["name"], c["summary"]) for c in table])
        limit = re.search(r"(?m)^  limit=\((.*)\)$", script).group(1)
        for cmd in table:
            with self.subTest(cmd["name"]):
                m = re.search(rf"(?ms)^        (?:\S+\|)?{cmd['name']}(?:\|\S+)?\)\n(.*?);;", script)
                self.assertIsNotNone(m, cmd["name"])
                block = m.group(1).replace("$limit", limit)
                offered = set(re.findall(r"--([a-z][a-z-]*)", block)) - {"help"}
                self.assertEqual(offered, {o["long"] for o in cmd["options"]})
                for o in cmd["options"]:
                    eq = ("=-" if o["optional"] else "=") if o["arg"] else ""
                    spelled = (rf"\{{-{o['short']}\+?,--{o['long']}{eq}\}}" if o["short"]
                               else rf"'\*?--{o['long']}{eq}\[")
                    line = [l for l in block.splitlines() if re.search(spelled, l)]
                    self.assertEqual(len(line), 1, f"--{o['long']}: {spelled}")
                    if o["choices"] and o["optional"]:  # a comma-separated list of them
                        self.assertIn(" -s , facet " + " ".join(o["choices"]) + "'", line[0])
                    elif o["choices"]:
                        self.assertIn(":(" + " ".join(o["choices"]) + ")", line[0])


class SqliteCli(Tools):
    def sqlite3(self, query):
        r = run([self.tool("sqlite3"), "-bail", "-json", self.db, query])
        self.assertEqual((r.returncode, r.stderr), (0, ""), query)
        return json.loads(r.stdout or "[]")

    def test_views(self):
        broken = self.imported(SEEDS, DATA, broken=True)
        with open(SCHEMA) as f:
            views = sorted(re.findall(r"CREATE VIEW (\w+)", f.read()))
        self.assertEqual(views, ["articles_view", "failed_sources", "related_view"])
        self.assertEqual([r["name"] for r in self.sqlite3(
            "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")], views)

        # articles_view: one row per article, joins done
        self.assertEqual(self.sqlite3("SELECT count(*) AS n FROM articles_view")[0]["n"],
                         self.one("SELECT count(*) FROM articles"))
        seed = self.sqlite3(f"SELECT * FROM articles_view WHERE url = '{SEED_URL}'")
        self.assertEqual(len(seed), 1)
        expect = {"published_at": "2021-12-30T00:22:00Z", "provider": "SiliconANGLE",
                  "provider_domain": "siliconangle.com", "topics": "AI", "image_count": 1,
                  "links_to": 2, "linked_from": 0, "is_archived": 1}
        self.assertEqual({k: seed[0][k] for k in expect}, expect)

        # related_view: one row per link, both titles
        self.assertEqual(self.sqlite3("SELECT count(*) AS n FROM related_view")[0]["n"],
                         self.one("SELECT count(*) FROM related_links"))
        links = self.sqlite3("SELECT position, related_title, related_url FROM related_view"
                             f" WHERE article_id = {seed[0]['id']} ORDER BY position")
        self.assertEqual([(r["position"], r["related_title"]) for r in links], [
            (0, "Chinese Professor Lands $3.4 Billion Fortune With SenseTime IPO"),
            (1, "Chinese AI Giant SenseTime’s IPO Comes at a Bad Time")])

        # failed_sources: the broken file and why
        failed = self.sqlite3("SELECT * FROM failed_sources")
        self.assertEqual([r["path"] for r in failed], [broken])
        self.assertTrue(failed[0]["message"])
        self.assertRegex(failed[0]["imported_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

        # and the full-text index from the plain CLI
        hits = self.sqlite3("SELECT a.url FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                            " WHERE articles_fts MATCH 'sensetime' ORDER BY rank")
        self.assertIn(SEED_URL, [h["url"] for h in hits])

    def test_docs_schema_md_describes_every_table_and_its_examples_run(self):
        with open(SCHEMA) as f:
            schema = f.read()
        with open(SCHEMA_DOC) as f:
            doc = f.read()
        names = re.findall(r"CREATE (?:VIRTUAL )?(?:TABLE|VIEW) (\w+)", schema)
        self.assertGreater(len(names), 10)
        diagram = re.search(r"```mermaid\nerDiagram\n(.*?)```", doc, re.S).group(1)
        for name in names:
            self.assertRegex(doc, rf"(?m)^### .*`{name}`", name)
            if "CREATE VIEW " + name not in schema:
                self.assertRegex(diagram, rf"(?m)^    {name} {{$", name)
        # every example, on the real corpus with the seed and a failed file
        self.imported(CORPUS, SEEDS, broken=True)
        examples = re.findall(r"```sql\n(.*?)```", doc, re.S)
        self.assertGreaterEqual(len(examples), 5)
        for query in examples:
            with self.subTest(query.splitlines()[0]):
                self.assertTrue(self.sqlite3(query), query)


class SqliteUtils(Tools):
    def sqlite_utils(self, *args):
        r = run([self.tool("sqlite-utils"), *args])
        self.assertEqual(r.returncode, 0, r)
        return r.stdout

    def test_search_finds_the_seed_with_no_configuration(self):
        self.imported()
        hits = json.loads(self.sqlite_utils("search", self.db, "articles", "SenseTime"))
        self.assertIn(SEED_URL, [h["url"] for h in hits])
        self.assertEqual(len(hits), self.one(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'sensetime'"))
        for h in hits:
            self.assertIn("sensetime", (h["title"] + (h["excerpt"] or "") + (h["body"] or "")).lower())
        # through articles_fts, the table detected from the schema
        self.assertIn("[articles_fts] match", self.sqlite_utils("search", self.db, "articles", "SenseTime",
                                                          "--sql"))

    def test_tables_have_clean_names(self):
        self.imported()
        listed = {t["table"]: t["count"]
                  for t in json.loads(self.sqlite_utils("tables", self.db, "--counts"))}
        # every table of the schema, with its row count
        for table in USER_TABLES:
            self.assertEqual(listed.get(table), self.one(f"SELECT count(*) FROM {table}"), table)
        shadows = {t for t in listed
                   if any(t == f + s for f in FTS_TABLES for s in FTS5_SHADOWS)}
        stats = {t for t in listed if re.fullmatch(r"sqlite_stat\d", t)}
        if "--hidden" in self.sqlite_utils("tables", "--help"):
            # sqlite-utils that hides FTS shadow tables unless asked
            self.assertEqual(shadows, set())
            hidden = json.loads(self.sqlite_utils("tables", self.db, "--hidden"))
            self.assertIn("articles_fts_data", {t["table"] for t in hidden})
        # nothing else: no stray tables, only newsdb's _newsdb_ bookkeeping, SQLite's own
        # statistics and FTS5's shadow tables where this sqlite-utils lists them
        self.assertEqual(set(listed) - shadows - stats,
                         USER_TABLES | FTS_TABLES | BOOKKEEPING_TABLES)
        views = [v["view"] for v in json.loads(self.sqlite_utils("views", self.db))]
        self.assertEqual(sorted(views), ["articles_view", "failed_sources", "related_view"])


if __name__ == "__main__":
    main()
