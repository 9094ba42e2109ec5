"""The key of syndicated copies, written from the rule in the README
("Search", --dedupe) and nothing else, for tests to compare newsdb's groups
with: typographic quotes, primes and dashes as their ASCII ones, runs of white
space as one space, outer space dropped, ASCII letters lowered; then each
trailing " - P", " | P" or "(P)" removed while there is one, P the article's
provider name or domain folded the same way, never the whole title.  None for
an absent or blank title (each such article is its own group)."""

SINGLE = {"\u2018", "\u2019", "\u201a", "\u201b", "\u2032"}
DOUBLE = {"\u201c", "\u201d", "\u201e", "\u201f", "\u2033"}
DASHES = {chr(c) for c in range(0x2010, 0x2016)} | {"\u2212"}
SPACES = ({" ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u202f", "\u205f", "\u3000"}
          | {chr(c) for c in range(0x2000, 0x200b)})


def fold(text):
    out = []
    for ch in text or "":
        if ch in SPACES:
            ch = " "
        elif ch in SINGLE:
            ch = "'"
        elif ch in DOUBLE:
            ch = '"'
        elif ch in DASHES:
            ch = "-"
        elif "A" <= ch <= "Z":
            ch = ch.lower()
        out.append(ch)
    return "".join(out)


def _collapse(s):
    while "  " in s:
        s = s.replace("  ", " ")
    return s.strip(" ")


def copy_key(title, provider_name=None, provider_domain=None):
    key = _collapse(fold(title))
    if not key:
        return None
    names = [p for p in (_collapse(fold(provider_name)), _collapse(fold(provider_domain))) if p]
    changed = True
    while changed:
        changed = False
        for p in names:
            for tail in (" - " + p, " | " + p):
                if key.endswith(tail) and len(key) > len(tail):
                    key, changed = key[:-len(tail)], True
            tail = "(" + p + ")"
            if key.endswith(tail) and key[:-len(tail)].rstrip(" "):
                key, changed = key[:-len(tail)].rstrip(" "), True
    return key
