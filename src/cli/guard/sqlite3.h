/*
 * guard/sqlite3.h: stands in for SQLite's header on the command line's
 * include path (src/cli/meson.build), which /usr/include would otherwise
 * give it: the command line reaches the database through store.h only.
 */
#error "src/cli/ does not use SQLite: call the store (store.h)"
