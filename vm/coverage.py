#!/usr/bin/env python3
"""vm/coverage.py HOST.json VM_BUILD - checks that every test the host
skipped for a kernel feature it lacks (its skip message names the VM lane)
passed in the VM lane, unless the lane's kernel is too old for it too
("new in Linux X.Y"). HOST.json is `go test -json` output for the lane's
packages on the host; VM_BUILD holds the lane's console.log, pkgs and
tests. Prints what is missing and exits 1 if anything is. See
vm/README.md ("What runs where")."""
import json, re, sys
from collections import defaultdict

HINT = "runs in the VM lane"
TOO_OLD = "new in Linux"

def host_skips(path):
    out = defaultdict(str)
    skipped = set()
    for line in open(path, encoding="utf-8", errors="replace"):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        pkg, test = ev.get("Package"), ev.get("Test")
        if not test:
            continue
        if ev.get("Action") == "output":
            out[(pkg, test)] += ev.get("Output", "")
        elif ev.get("Action") == "skip":
            skipped.add((pkg, test))
    return sorted(k for k in skipped if HINT in out[k])

def lane_results(build):
    rel2pkg = {}
    for line in open(f"{build}/pkgs"):
        pkg, d = line.split()
        rel2pkg[d] = pkg
    name2pkg = {}
    for line in open(f"{build}/tests"):
        name, rel = line.split()[:2]
        for d, pkg in rel2pkg.items():
            if d.endswith("/" + rel):
                name2pkg[name] = pkg
    log = open(f"{build}/console.log", encoding="utf-8", errors="replace").read().replace("\r", "")
    results, reason = {}, defaultdict(str)
    pkg, current = None, None
    for line in log.split("\n"):
        m = re.search(r"@@NLSH-VM-(OUTPUT|RUN)-\w+ (\S+)", line)
        if m:
            pkg = name2pkg.get(m.group(2), pkg)
            continue
        m = re.match(r"=== (?:RUN|CONT|NAME|PAUSE)\s+(\S+)", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"\s*--- (PASS|FAIL|SKIP): (\S+)", line)
        if m:
            results[(pkg, m.group(2))] = m.group(1)
            continue
        if current:
            reason[(pkg, current)] += line + "\n"
    return results, reason

def main():
    skips = host_skips(sys.argv[1])
    results, reason = lane_results(sys.argv[2])
    missing = 0
    for pkg, test in skips:
        r = results.get((pkg, test))
        if r == "PASS" or (r == "SKIP" and TOO_OLD in reason[(pkg, test)]):
            print(f"ok    {pkg} {test} ({'passed' if r == 'PASS' else 'too new for the lane kernel'})")
            continue
        missing += 1
        print(f"MISS  {pkg} {test}: lane result {r or 'none (not run)'}")
    print(f"{len(skips)} tests skip on the host for a missing feature; {missing} of them did not pass in the lane")
    sys.exit(1 if missing else 0)

main()
