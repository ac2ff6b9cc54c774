#!/usr/bin/env python3
"""Check docs/man/: every page renders without a warning, documents every
option its program's --help prints, and lists no option under OPTIONS that
--help does not print (-h, --help and -? excepted).

    check_man.py --man-dir docs/man NAME=PATH [NAME=PATH ...]

NAME is the program (its page is docs/man/NAME.1 or NAME.8), PATH the built
binary. Run by ctest (label docs) with the paths CMake knows; by hand:
    scripts/check_man.py --man-dir docs/man autokeyd=build/bin/autokeyd ...
"""
import argparse
import glob
import os
import re
import subprocess
import sys

# An option as --help writes it: -x or --long-name, not the inside of a word
# like "ntp-keygen" or "md5-512".
OPTION = re.compile(r"(?<![\w\-/.])(--?[A-Za-z][A-Za-z0-9_\-]*)")


def help_text(path):
    r = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def help_options(text):
    found = []
    for m in OPTION.finditer(text):
        opt = m.group(1).rstrip("-")
        if opt not in found:
            found.append(opt)
    return found


def roff_plain(source):
    """The page's text with roff's escapes undone, enough to search for options."""
    s = source.replace("\\-", "-").replace("\\(en", "-").replace("\\(em", "-")
    s = re.sub(r"\\f(\(..|\[[^\]]*\]|.)", "", s)  # font changes
    s = s.replace("\\&", "").replace("\\e", "\\").replace("\\ ", " ")
    return s


def documented_options(source):
    """Options the OPTIONS section lists as .TP tags."""
    m = re.search(r"^\.SH\s+OPTIONS\s*$(.*?)(?=^\.SH\s)", source, re.M | re.S)
    if not m:
        return []
    found = []
    lines = m.group(1).splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            tag = roff_plain(lines[i + 1])
            tag = re.sub(r"^\.\w+\s*", "", tag)  # .B / .BR / .BI
            for opt in OPTION.findall(tag):
                opt = opt.rstrip("-")
                if opt not in found:
                    found.append(opt)
    return found


# Every program answers these; --help need not list them.
HELP_OPTIONS = {"-h", "--help", "-?"}


def render_warnings(page):
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], capture_output=True, text=True, timeout=30)
    problems = r.stderr.strip().splitlines()
    if r.returncode != 0:
        problems.append("groff exited with %d" % r.returncode)
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--man-dir", required=True)
    p.add_argument("programs", nargs="*", help="NAME=PATH")
    a = p.parse_args()

    failures = 0
    checked = set()
    for spec in a.programs:
        name, _, path = spec.partition("=")
        pages = glob.glob(os.path.join(a.man_dir, name + ".[18]"))
        if not pages:
            print("FAIL    %s: no page docs/man/%s.1 or .8" % (name, name))
            failures += 1
            continue
        page = pages[0]
        checked.add(os.path.basename(page))
        source = open(page, encoding="utf-8").read()
        problems = render_warnings(page)
        th = re.search(r"^\.TH\s+\"?([^\s\"]+)", roff_plain(source), re.M)
        if not th or th.group(1).lower() != name.lower():
            problems.append(".TH does not name %s" % name)
        if not os.path.exists(path):
            problems.append("program %s not built" % path)
        else:
            rc, text = help_text(path)
            # Asked for, the usage is no error: every program exits 0.
            if rc != 0:
                problems.append("%s --help exited with %d" % (name, rc))
            if "usage" not in text.lower():
                problems.append("%s --help printed no usage text" % name)
            plain = roff_plain(source)
            in_help = help_options(text)
            for opt in in_help:
                if not re.search(r"(?<![\w\-])" + re.escape(opt) + r"(?![\w\-])", plain):
                    problems.append("option %s (in --help) is not in the page" % opt)
            for opt in documented_options(source):
                if opt not in in_help and opt not in HELP_OPTIONS:
                    problems.append("the page documents %s, which --help does not print" % opt)
        if problems:
            failures += 1
            print("FAIL    " + os.path.relpath(page))
            for pr in problems:
                print("        " + pr)
        else:
            print("ok      " + os.path.relpath(page))

    # Pages must render even where the program is not part of this build.
    for page in sorted(glob.glob(os.path.join(a.man_dir, "*.[18]"))):
        if os.path.basename(page) in checked:
            continue
        problems = render_warnings(page)
        if problems:
            failures += 1
            print("FAIL    " + os.path.relpath(page) + " (render)")
            for pr in problems:
                print("        " + pr)
        else:
            print("ok      " + os.path.relpath(page) + " (rendered only: program not in this build)")
    if failures:
        print("\n%d man page problem(s). Pages are docs/man/*.1|*.8 (roff -man); options must match --help." % failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
