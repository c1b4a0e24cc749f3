#!/usr/bin/env python3
"""Tidies the mdoc page that swift-argument-parser's generate-manual writes (make man), so that `mandoc -T lint`
and `man --warnings` have nothing to say:

- a blank line inside text becomes .Pp (groff: "Empty input line"; mandoc: "blank line in fill mode");
- lines indented by two spaces (the Examples of each command's help) become a literal display;
- one sentence per line ("new sentence, new line"), and text lines of at most 80 bytes;
- no .Pp right before .It, .El or another .Pp ("skipping paragraph macro");
- the one-line description (.Nd) ends without a full stop ("trailing delimiter").

    scripts/man-tidy.py < generated.1 > man/parley.1
"""
import re
import sys
import textwrap

SENTENCE_END = re.compile(r'(?<=[A-Za-z0-9)\]"\'`][.!?])\s+(?=[A-Z0-9(`"\'$-])')
# Abbreviations that end in a full stop without ending the sentence: keep what follows on the same line.
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.")


def sentences(text):
    parts, start = [], 0
    for match in SENTENCE_END.finditer(text):
        before = text[start:match.start()]
        if before.endswith(ABBREVIATIONS):
            continue
        parts.append(before)
        start = match.end()
    parts.append(text[start:])
    return [p for p in parts if p]


def text_lines(text):
    """One sentence per line, each wrapped at 80 bytes; no line may start like a request."""
    out = []
    for sentence in sentences(text):
        for line in textwrap.wrap(sentence, width=80, break_long_words=False, break_on_hyphens=False):
            out.append("\\&" + line if line[0] in ".'" else line)
    return out


def tidy(lines):
    out = []
    in_literal = False
    for line in lines:
        if line.startswith(".Nd "):
            line = re.sub(r'\.(")?$', r'\1', line)
        if line.startswith("  ") and not line.startswith("."):
            if not in_literal:
                if out and out[-1] == ".Pp":
                    out.pop()
                out += [".Bd -literal -offset indent"]
                in_literal = True
            out.append(line[2:])
            continue
        if in_literal:
            out.append(".Ed")
            in_literal = False
        if line.strip() == "":
            out.append(".Pp")
            continue
        if line.startswith(".") or line.startswith("'"):
            out.append(line)
            continue
        out += text_lines(line)
    if in_literal:
        out.append(".Ed")

    # Paragraph breaks that mdoc drops anyway: before an item, the end of a list, another break or a display.
    tidied = []
    for index, line in enumerate(out):
        following = out[index + 1] if index + 1 < len(out) else ""
        if line == ".Pp" and (following.startswith((".It", ".El", ".Pp", ".Sh", ".Ss", ".Bd")) or following == ""):
            continue
        if line == ".Pp" and tidied and tidied[-1].startswith((".Sh", ".Ss", ".Bl", ".Pp", ".Ed", ".It")):
            continue
        tidied.append(line)
    return tidied


if __name__ == "__main__":
    sys.stdout.write("\n".join(tidy(sys.stdin.read().rstrip("\n").split("\n"))) + "\n")
