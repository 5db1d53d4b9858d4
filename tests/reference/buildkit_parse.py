"""Dump how BuildKit's own parser splits Dockerfiles, one JSON object per file.

Reads file paths (one per line) on stdin. Uses the PyPI package `dockerfile`,
which wraps BuildKit's Go parser. Output per file:
  {"file": PATH, "ok": true, "instructions": [[CMD, START_LINE, END_LINE, [HEREDOC_CONTENT, ...], SHELL], ...]}
where SHELL is the text BuildKit hands to the shell for a shell-form RUN
(its arguments, joined and trimmed), else null.
  {"file": PATH, "ok": false, "error": MESSAGE}
"""
import json
import sys

import dockerfile


def main() -> None:
    out = sys.stdout
    for raw in sys.stdin:
        path = raw.rstrip("\n")
        if not path:
            continue
        try:
            commands = dockerfile.parse_file(path)
        except dockerfile.GoParseError as e:
            out.write(json.dumps({"file": path, "ok": False, "error": str(e)}) + "\n")
            continue
        rows = [
            [
                c.cmd,
                c.start_line,
                c.end_line,
                [h.content for h in c.heredocs],
                c.value[0] if c.cmd.upper() == "RUN" and not c.json and c.value else None,
            ]
            for c in commands
        ]
        out.write(json.dumps({"file": path, "ok": True, "instructions": rows}) + "\n")


if __name__ == "__main__":
    main()
