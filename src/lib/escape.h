/*
 * escape.h: untrusted text made safe to write to a terminal.  Article files
 * come from the internet: a title may hold "\e[2J" (clear the screen), a bell
 * or a right-to-left override that makes a line read backwards.  Text output
 * for people passes every value through here; JSON, CSV and TSV keep the
 * exact text (each with its own quoting), and the database keeps the bytes.
 */
#ifndef ND_ESCAPE_H
#define ND_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/*
 * Appends s[0..len) to out with everything a terminal would act on written
 * as visible escapes, the way git quotes paths: ESC as \e, tab, newline and
 * carriage return as \t \n \r, the other C0 controls and DEL as \xNN, C1
 * controls (U+0080..U+009F) and the bidi overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069) as \uNNNN, and each byte that is not
 * valid UTF-8 as \xNN.  Everything else, backslashes included, is copied.
 * The output is printable UTF-8 without a control character; escaping it
 * again changes nothing.
 */
void nd_escape_terminal(struct nd_buf *out, const char *s, size_t len);

#endif
