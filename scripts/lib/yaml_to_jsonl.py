"""Article files to JSON lines, the way a user would script it without newsdb.

    python3 scripts/lib/yaml_to_jsonl.py DIR > articles.jsonl

The first step of the pipeline scripts/bench measures newsdb against (then
`sqlite-utils insert DB articles articles.jsonl --nl --alter` and
`sqlite-utils enable-fts DB articles title excerpt --create-triggers`).
Walks DIR in sorted order, skipping hidden files and folders as newsdb does,
takes the front matter between the first line `---` and the closing `---`
(or `...`), loads it with PyYAML's libyaml loader (yaml.CSafeLoader), adds
the file's path (and its body, when it has one) and prints one JSON object
a line.  A file that does not start with front matter, does not decode, or
does not load as a mapping (or as JSON) is skipped and counted; the counts go to stderr.

Needs PyYAML built with libyaml (Debian: python3-yaml); nothing else.
"""

import json
import os
import sys

import yaml


def front_matter(text):
    """(front matter, body) of an article's text, or None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1:]).strip()
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: yaml_to_jsonl.py DIR > FILE.jsonl")
    root = sys.argv[1]
    out = sys.stdout
    written = no_front_matter = failed = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            try:
                with open(path, encoding="utf-8") as f:
                    split = front_matter(f.read())
                if split is None:
                    no_front_matter += 1
                    continue
                doc = yaml.load(split[0], Loader=yaml.CSafeLoader)
                if not isinstance(doc, dict):
                    raise ValueError("front matter is not a mapping")
                doc["path"] = path
                if split[1]:
                    doc["body"] = split[1]
                line = json.dumps(doc, default=str, ensure_ascii=False)
            except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError) as e:
                first = str(e).splitlines()[0] if str(e) else ""
                print(f"{path}: {e.__class__.__name__}: {first}", file=sys.stderr)
                failed += 1
                continue
            out.write(line)
            out.write("\n")
            written += 1
    print(f"yaml_to_jsonl: {written} written, {no_front_matter} without front matter, "
          f"{failed} failed", file=sys.stderr)


if __name__ == "__main__":
    main()
