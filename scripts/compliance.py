#!/usr/bin/env python3
"""Generate docs/compliance.md from the `RFC 5906 §x` annotations in the code.

    compliance.py --write     regenerate docs/compliance.md
    compliance.py --check     exit 1 (with a diff) when docs/compliance.md is stale
    compliance.py             print the report

For every RFC 5906 section on messages and procedures (SECTIONS below) the
report lists where the code says it enforces it (file:line of each
annotation outside tests) and which tests cover it: tests whose body or
header cites the section, and the tests of each enforcing file's test
counterpart (reference/core/association.cpp -> reference/core/tests/association*_test.cpp).
A section nobody annotates is listed as a gap.
"""
import argparse
import difflib
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("docs", "compliance.md")
SCAN = ["reference", "model", "property_tests", "fuzz", "hw"]
EXTENSIONS = (".cpp", ".h", ".pml")

# Section numbers as this tree cites them (design.md: `// RFC 5906 §10.x`):
# §10.1-§10.9 are the messages ASSOC, CERT, COOK, AUTO, LEAP, SIGN, IFF, GQ, MV
# in code order, the identity algorithms are Appendices E-G. The RFC text was
# not available to check the numbering (digest §0.1, tag [rfc]); renumbering
# is a change to this table and to the annotations, nothing else.
SECTIONS = [
    ("4", "Autokey cryptography: session keys and MACs",
     "session key = H(source address, destination address, key ID, cookie); the MAC covers header and extension fields"),
    ("5", "Key lists and the autokey sequence",
     "key IDs come from a hash chain; a receiver accepts a key ID that hashes forward to one it trusts"),
    ("6", "Autokey operations",
     "the exchanges run in order; nothing is proventic before identity; the server seed keeps cookies private"),
    ("6.2", "Key-list generation", "the list is generated backwards from a random seed and used forwards"),
    ("6.3", "Packets with extension fields", "cookie-0 MACs on extension-field packets; public values such as the GQ key"),
    ("6.4", "Proventic associations", "a signature verified after identity makes the peer proventic"),
    ("6.5", "Identity schemes in operation", "which scheme a host serves and a client uses"),
    ("7", "Public-key signatures and timestamps", "values are signed with the host key and stamped; identity keys bind the group"),
    ("8", "Autokey protocol overview", ""),
    ("9", "The protocol dance (state machine)", "the order of the exchanges each mode runs"),
    ("9.5", "Broadcast mode", "a broadcast server sends ASSOC and AUTO responses; clients verify them"),
    ("9.6", "Symmetric mode", "both peers run the client dance and answer each other's requests"),
    ("10", "Autokey messages (common rules)",
     "word-aligned fields, signatures over timestamp/filestamp/value, the receive-side checks"),
    ("10.1", "ASSOC", "association and status-word exchange; name screening"),
    ("10.2", "CERT", "certificate retrieval and the trail to a trusted root"),
    ("10.3", "COOK", "the cookie, encrypted to the client's public key"),
    ("10.4", "AUTO", "autokey values (last key ID, sequence) of a key list"),
    ("10.5", "LEAP", "leap-second values, signed"),
    ("10.6", "SIGN", "the server signs the client's certificate"),
    ("10.7", "IFF", "Schnorr identity exchange"),
    ("10.8", "GQ", "Guillou-Quisquater identity exchange"),
    ("10.9", "MV", "Mu-Varadharajan identity exchange"),
    ("11", "Certificates", "X.509v3 profile, trusted-certificate extension"),
    ("12", "Security considerations", ""),
    ("13", "Proventic time only", "only proventic packets discipline the clock"),
    ("13.3", "Certificate details", "certificate fields Autokey relies on"),
    ("App. E", "IFF (Schnorr) identity scheme", "proof and verification with ntpd's encodings"),
    ("App. F", "GQ identity scheme", "proof and verification with ntpd's encodings"),
    ("App. G", "MV identity scheme", "proof and verification with ntpd's encodings"),
]

# Tests named for a section: a pattern over "Suite.Name" (case-sensitive,
# CamelCase words), e.g. every CookResponse or Cookie test for §10.3.
TEST_NAMES = {
    "4": r"SessionKey|(^|\.)Mac\.|Mac(Of|Key|Over)",
    "5": r"KeyList|Autokey(Value|Sequence)",
    "6.2": r"KeyList",
    "6.4": r"Proventic",
    "9.5": r"Broadcast",
    "9.6": r"Symmetric(?!KeyFile)",
    "10.1": r"Assoc(Message|Request|Response|Error|Without|Screening)",
    "10.2": r"Cert(Message|Request|Response)|Trail",
    "10.3": r"Cook(Message|Request|Response)|Cookie",
    "10.4": r"Auto(Message|Request|Response)",
    "10.5": r"Leap(Message|Request|Response|second)",
    "10.6": r"Sign(Message|Request|Response|Issued)|SignedCertificate",
    "10.7": r"Iff",
    "10.8": r"Gq",
    "10.9": r"Mv",
    "11": r"Certificate",
    "13": r"Proventic",
    "App. E": r"Iff",
    "App. F": r"Gq",
    "App. G": r"Mv",
}

ANNOTATION = re.compile(r"RFC ?5906")
# What follows "RFC 5906" up to where another source starts.
TAIL_STOP = re.compile(r"[;:)]|/|\bdigest\b|autokey-protocol|design\.md|security-history")
SECTION = re.compile(r"§\s?(\d+(?:\.\d+)*)(?:\s*[-\u2013]\s*§?\s?(\d+(?:\.\d+)*))?")
APPENDIX = re.compile(r"\b(?:App\.|Appendix|Appendices)\s+([A-J])(?:\s*[-\u2013]\s*([A-J]))?")
TEST_HEAD = re.compile(r"^\s*(TEST|TEST_F|TEST_P|RC_GTEST_PROP|RC_GTEST_FIXTURE_PROP)\(\s*(\w+)\s*,\s*(\w+)", re.M)


def is_test(path):
    return "/tests/" in path or path.startswith("property_tests/") or path.endswith("_test.cpp")


def expand(first, last):
    """§10.7-§10.9 -> 10.7, 10.8, 10.9; §4-5 -> 4, 5."""
    if not last:
        return [first]
    a, b = first.split("."), last.split(".")
    if len(a) == len(b) and a[:-1] == b[:-1] and int(a[-1]) <= int(b[-1]) <= int(a[-1]) + 12:
        return [".".join(a[:-1] + [str(i)]) for i in range(int(a[-1]), int(b[-1]) + 1)]
    return [first, last]


def cited_sections(line):
    out = []
    for m in ANNOTATION.finditer(line):
        tail = line[m.end():]
        stop = TAIL_STOP.search(tail)
        if stop:
            tail = tail[:stop.start()]
        for s in SECTION.finditer(tail):
            out += expand(s.group(1), s.group(2))
        for a in APPENDIX.finditer(tail):
            first, last = a.group(1), a.group(2) or a.group(1)
            out += ["App. " + chr(c) for c in range(ord(first), ord(last) + 1)]
    return out


def source_files():
    for top in SCAN:
        for root, dirs, files in os.walk(os.path.join(REPO, top)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if f.endswith(EXTENSIONS):
                    yield os.path.relpath(os.path.join(root, f), REPO)


def tests_in(path, cache={}):
    """[(line, 'Suite.Name')] of a test file."""
    if path not in cache:
        text = open(os.path.join(REPO, path), encoding="utf-8", errors="replace").read()
        cache[path] = [(text.count("\n", 0, m.start()) + 1, m.group(2) + "." + m.group(3))
                       for m in TEST_HEAD.finditer(text)]
    return cache[path]


def enclosing_tests(path, line):
    tests = tests_in(path)
    before = [name for (l, name) in tests if l <= line]
    if before:
        return [before[-1]]
    return [name for (_, name) in tests]  # a file-header citation covers the file


def counterparts(path, all_files):
    """Test files that test the file at path, by name."""
    d, f = os.path.split(path)
    stem = os.path.splitext(f)[0]
    if stem in ("main",):
        return []
    dirs = {os.path.join(d, "tests")}
    if os.path.basename(d) == "messages":  # wire/messages/assoc.cpp -> wire/tests/message_assoc_test.cpp
        dirs.add(os.path.join(os.path.dirname(d), "tests"))
    pat = re.compile(r"(^|_)" + re.escape(stem) + r"(_|\.)")
    return sorted(t for t in all_files
                  if os.path.dirname(t) in dirs and t.endswith("_test.cpp") and pat.search(os.path.basename(t)))


def build():
    files = list(source_files())
    sites = {}   # section -> [(path, line, text)]
    cites = {}   # section -> {test name: path}
    unknown = {}
    known = {s for s, _, _ in SECTIONS}
    for path in files:
        for n, line in enumerate(open(os.path.join(REPO, path), encoding="utf-8", errors="replace"), 1):
            if not ANNOTATION.search(line):
                continue
            for sec in cited_sections(line):
                if sec not in known:
                    unknown.setdefault(sec, []).append("%s:%d" % (path, n))
                    continue
                if is_test(path):
                    for t in enclosing_tests(path, n):
                        cites.setdefault(sec, {})[t] = path
                else:
                    text = line.strip().lstrip("/*# ").strip()
                    sites.setdefault(sec, []).append((path, n, text))
    return files, sites, cites, unknown


def md_escape(s):
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def short_list(names, limit=6):
    names = sorted(names)
    shown = ", ".join("`%s`" % n for n in names[:limit])
    if len(names) > limit:
        shown += " and %d more" % (len(names) - limit)
    return shown


def render():
    files, sites, cites, unknown = build()
    out = []
    w = out.append
    w("# RFC 5906 compliance report")
    w("")
    w("Generated by `scripts/compliance.py --write` from the `RFC 5906 §x` annotations in")
    w("%s; do not edit by hand. The test `docs_compliance_report_is_current` (ctest label `docs`)" %
      ", ".join("`%s/`" % s for s in SCAN))
    w("fails when this file no longer matches the code: run `scripts/compliance.py --write` (or")
    w("`cmake --build <build> --target refresh-compliance`) and commit the result.")
    w("")
    w("How to read it:")
    w("")
    w("- **Enforced at** lists each annotation outside the tests: the line that says, in a comment")
    w("  next to the check, which section it implements. A file:line is where to look, not proof")
    w("  that the rule is complete.")
    w("- **Cited by tests** lists tests whose body (or whose file header) names the section.")
    w("- **Named tests** are tests whose name speaks of the section's subject (`CookResponse`,")
    w("  `Cookie` for §10.3; the patterns are in `scripts/compliance.py`): a heuristic, shown as a count.")
    w("- **Counterpart tests** are the tests of each enforcing file's test file, found by name")
    w("  (`core/association.cpp` -> `core/tests/association*_test.cpp`).")
    w("- **Gap** means no code in the tree claims the section. Gaps are listed honestly below.")
    w("- Section numbers are the ones this tree's annotations use (§10.1-§10.9 = ASSOC, CERT, COOK,")
    w("  AUTO, LEAP, SIGN, IFF, GQ, MV; identity algorithms in Appendices E-G). The RFC text was not")
    w("  available to check them against (spec digest §0.1, tag [rfc]).")
    w("")
    w("## Summary")
    w("")
    w("| Section | Topic | Enforced at | Cited by tests | Named tests | Counterpart test files | Status |")
    w("|---|---|---:|---:|---:|---:|---|")
    all_tests = sorted({name for f in files if is_test(f) and f.endswith(".cpp") for (_, name) in tests_in(f)})
    gaps = []
    details = []
    for sec, title, req in SECTIONS:
        here = sites.get(sec, [])
        cited = cites.get(sec, {})
        parts = sorted({t for (p, _, _) in here for t in counterparts(p, files)})
        named = [t for t in all_tests if sec in TEST_NAMES and re.search(TEST_NAMES[sec], t)]
        if here and (cited or parts or named):
            status = "enforced, tested"
        elif here:
            status = "enforced, **no test found**"
        elif cited or named:
            status = "tested only (no enforcing annotation)"
        else:
            status = "**gap**"
            gaps.append((sec, title, req))
        label = "§" + sec if not sec.startswith("App") else sec
        w("| %s | %s | %d | %d | %d | %d | %s |" % (label, md_escape(title), len(here), len(cited), len(named),
                                                   len(parts), status))
        if not here and not cited and not named:
            continue
        d = ["### %s %s" % (label, title), ""]
        if req:
            d += ["Requirement (paraphrased): %s." % req, ""]
        if here:
            d.append("Enforced at:")
            d.append("")
            for path, n, text in here:
                d.append("- `%s:%d` — %s" % (path, n, md_escape(text[:140])))
            d.append("")
        if cited:
            d.append("Cited by tests: " + short_list(cited.keys(), 10))
            d.append("")
        if named:
            d.append("Named tests (%d): %s" % (len(named), short_list(named, 8)))
            d.append("")
        if parts:
            d.append("Counterpart tests:")
            d.append("")
            for t in parts:
                names = [name for (_, name) in tests_in(t)]
                d.append("- `%s` (%d): %s" % (t, len(names), short_list(names, 4)))
            d.append("")
        details += d
    w("")
    w("## Gaps")
    w("")
    if gaps:
        w("No annotation in the tree claims these sections:")
        w("")
        for sec, title, req in gaps:
            label = "§" + sec if not sec.startswith("App") else sec
            w("- %s %s%s" % (label, title, (": " + req) if req else ""))
        w("")
        w("Their rules may still be implemented under a digest-section annotation (`digest §x`);")
        w("until a comment names the RFC section at the check, this report cannot point at it.")
    else:
        w("None: every listed section is claimed by at least one annotation.")
    w("")
    if unknown:
        w("## Citations of sections not in the list")
        w("")
        for sec in sorted(unknown):
            w("- §%s: %s" % (sec, ", ".join("`%s`" % s for s in unknown[sec])))
        w("")
    w("## Details")
    w("")
    out += details
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true")
    g.add_argument("--check", action="store_true")
    a = p.parse_args()
    text = render()
    path = os.path.join(REPO, OUT)
    if a.write:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print("compliance: wrote " + OUT)
        return 0
    if a.check:
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        # Line numbers move with every edit above an annotation; what must not
        # drift is which annotations and tests exist, so the check compares
        # the report with `file:line` reduced to `file`. --write keeps lines.
        def unlined(t):
            return re.sub(r"(\.(?:cpp|h|pml|cmake|py|sh|txt)):\d+", r"\1", t)
        if unlined(old) == unlined(text):
            print("compliance: %s is current" % OUT)
            return 0
        diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), OUT, "regenerated", lineterm="", n=0))
        for line in diff[:60]:
            print(line)
        if len(diff) > 60:
            print("... (%d more diff lines)" % (len(diff) - 60))
        print("\n%s is stale: the RFC 5906 annotations or the tests moved. Regenerate and commit it:\n"
              "    scripts/compliance.py --write" % OUT)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
