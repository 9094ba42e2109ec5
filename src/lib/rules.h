/*
 * rules.h: the version of the rules that turn a file into an article (the
 * front-matter parser's limits and checks, the normalizer's types, what is
 * an error, a warning or a skip).  A database records the version its
 * failed and skipped sources were judged by (_newsdb_meta 'rules_version');
 * an import by a newsdb with other rules reads those files again once, since
 * unchanged files are otherwise never read again.
 *
 * Bump ND_RULES_VERSION with every change that can turn a failed or skipped
 * file into another outcome, or change what an article gets from a file.
 */
#ifndef ND_RULES_H
#define ND_RULES_H

/* 1: before the version was recorded.  2: YAML merge keys applied; whole
 * numbers beyond 64 bits kept as text; empty titles and topics warned. */
#define ND_RULES_VERSION 2

#endif
