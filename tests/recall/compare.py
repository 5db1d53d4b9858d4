#!/usr/bin/env python3
"""Side-by-side recall / false-alarm comparison of dfix and peer tools.

Run through compare.sh (it creates the peer-tool venv). Reads:
  tests/recall/MANIFEST.tsv               our leaking and clean cases
  ../shared/corpus/antipatterns/          62 leaking files, by reference (never copied into the repo)
Writes:
  tests/recall/results.tsv                one row per case: label, kinds, and per tool found/flagged + what fired
and prints one table. Deterministic: cases are sorted, no timestamps, every tool runs offline.

What counts as "found" (leak) / "flagged" (clean) per tool:
  dfix    any finding of `dfix --check --format json` on the case's Dockerfile
  tally   a violation of a secret rule: buildkit/SecretsUsedInArgOrEnv, tally/secrets-in-code,
          tally/require-secret-mounts, tally/ruby/secrets-in-arg-or-env,
          tally/ruby/prefer-secret-mounts-for-build-credentials
  trivy   on the Dockerfile target: a failed misconfig check DS-0031 (secrets in ARG/ENV or
          copied secret files) or any other failed check whose title mentions secret/credential/
          password/token, or any secret-scanner hit
  checkov on the Dockerfile: a CKV_SECRET_* check (secrets framework) or a dockerfile check whose
          name mentions secret/credential/password/token
"""
import argparse
import collections
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
AP_DIR = os.path.join(SHARED, "corpus", "antipatterns")
VENV_BIN = os.environ.get("RECALL_VENV_BIN", os.path.join(REPO, ".venv-recall", "bin"))
DFIX = os.environ.get("DFIX", os.path.join(REPO, "target", "release", "dfix"))

TALLY_SECRET_RULES = {
    "buildkit/SecretsUsedInArgOrEnv",
    "tally/secrets-in-code",
    "tally/require-secret-mounts",
    "tally/ruby/secrets-in-arg-or-env",
    "tally/ruby/prefer-secret-mounts-for-build-credentials",
}
TRIVY_SECRET_CHECKS = {"DS-0031", "AVD-DS-0031", "DS031"}
SECRETISH = re.compile(r"secret|credential|password|token", re.I)
DOCKERFILE_NAME = re.compile(r"(?i)(^|\.)(dockerfile|containerfile)(\.|$)|^dockerfile")

# antipatterns MANIFEST vocabulary -> ours (coarse; shown with an ap: prefix)
AP_KIND = {
    "arg-secret": "arg-used",
    "env-secret": "env-from-arg",
    "copy-then-rm": "copy-rm",
    "hardcoded-literal": "run-literal",
}


def load_cases():
    cases = []
    with open(os.path.join(HERE, "MANIFEST.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            sub = "leaks" if row["label"] == "leak" else "clean"
            d = os.path.join(HERE, sub, row["id"][1:])
            files = sorted(os.listdir(d))
            mains = [f for f in files if DOCKERFILE_NAME.search(f)]
            if len(mains) != 1:
                sys.exit("case %s: expected one Dockerfile, found %r" % (row["id"], mains))
            cases.append({"id": row["id"], "label": row["label"], "kinds": row["kinds"].split(";"),
                          "dir": d, "main": mains[0], "src": "ours"})
    with open(os.path.join(AP_DIR, "MANIFEST.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            kinds = []
            for k in row["antipatterns"].split("+"):
                k = re.sub(r"\(.*", "", k)
                kinds.append("ap:" + AP_KIND.get(k, k))
            cases.append({"id": "AP" + row["nnn"], "label": "leak", "kinds": sorted(set(kinds)),
                          "dir": None, "file": os.path.join(AP_DIR, row["nnn"] + ".Dockerfile"),
                          "src": "antipatterns"})
    cases.sort(key=lambda c: c["id"])
    return cases


def stage(cases, root):
    """Each case in root/<id>/ with its Dockerfile named Dockerfile, context files beside it."""
    for c in cases:
        dst = os.path.join(root, c["id"])
        if c["dir"]:
            shutil.copytree(c["dir"], dst)
            if c["main"] != "Dockerfile":
                os.rename(os.path.join(dst, c["main"]), os.path.join(dst, "Dockerfile"))
        else:
            os.makedirs(dst)
            shutil.copyfile(c["file"], os.path.join(dst, "Dockerfile"))
        c["staged"] = dst


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def run_dfix(cases):
    out = {}
    for c in cases:
        p = run([DFIX, "--check", "--format", "json", "--color", "never", "--context", c["staged"],
                 os.path.join(c["staged"], "Dockerfile")])
        rules = []
        try:
            doc = json.loads(p.stdout)
            for f in doc.get("files", []):
                for fd in f.get("findings", []):
                    rules.append("%s@%s" % (fd.get("rule"), fd.get("line")))
        except json.JSONDecodeError:
            rules = ["ERROR:" + (p.stderr.strip().splitlines() or ["no output"])[-1][:80]]
        out[c["id"]] = (bool(rules) and not rules[0].startswith("ERROR"), rules)
    return out


def run_tally(cases):
    out = {}
    tally = os.path.join(VENV_BIN, "tally")
    for c in cases:
        p = run([tally, "lint", "--no-config", "--no-color", "--format", "json", "--context", c["staged"],
                 os.path.join(c["staged"], "Dockerfile")], cwd=c["staged"])
        hits = []
        try:
            doc = json.loads(p.stdout)
            for f in doc.get("files", []):
                for v in f.get("violations", []):
                    if v.get("rule") in TALLY_SECRET_RULES:
                        hits.append("%s@%s" % (v["rule"], v.get("location", {}).get("start", {}).get("line")))
        except json.JSONDecodeError:
            hits = ["ERROR"]
        out[c["id"]] = (bool(hits) and hits != ["ERROR"], hits)
    return out


def run_trivy(cases, root):
    trivy = os.path.join(VENV_BIN, "trivy")
    cache = os.path.join(REPO, ".venv-recall", "trivy-cache")
    p = run([trivy, "fs", "--cache-dir", cache, "--scanners", "misconfig,secret", "--skip-db-update",
             "--skip-check-update", "--offline-scan", "--skip-version-check", "--misconfig-scanners",
             "dockerfile", "--format", "json", "--quiet", root])
    if p.returncode != 0:
        sys.exit("trivy failed: " + p.stderr[-2000:])
    doc = json.loads(p.stdout)
    by_target = collections.defaultdict(list)
    for r in doc.get("Results", []) or []:
        t = r.get("Target", "")
        for m in r.get("Misconfigurations", []) or []:
            if m.get("Status", "FAIL") != "FAIL":
                continue
            mid = m.get("ID", "")
            if mid in TRIVY_SECRET_CHECKS or SECRETISH.search(m.get("Title", "")):
                by_target[t].append("%s@%s" % (mid, (m.get("CauseMetadata") or {}).get("StartLine")))
        for s in r.get("Secrets", []) or []:
            by_target[t].append("secret:%s@%s" % (s.get("RuleID"), s.get("StartLine")))
    out = {}
    for c in cases:
        hits = by_target.get(c["id"] + "/Dockerfile", [])
        out[c["id"]] = (bool(hits), sorted(hits))
    return out


def run_checkov(cases, root):
    checkov = os.path.join(VENV_BIN, "checkov")
    p = run([checkov, "-d", root, "--framework", "dockerfile", "secrets", "-o", "json", "--compact",
             "--quiet", "--skip-download"], cwd=root, env=dict(os.environ, BC_SKIP_MAPPING="TRUE"))
    text = p.stdout.strip()
    if not text:
        sys.exit("checkov produced no output: " + p.stderr[-2000:])
    doc = json.loads(text)
    reports = doc if isinstance(doc, list) else [doc]
    by_file = collections.defaultdict(list)
    for rep in reports:
        for fc in (rep.get("results") or {}).get("failed_checks", []) or []:
            cid = fc.get("check_id", "")
            if cid.startswith("CKV_SECRET") or SECRETISH.search(fc.get("check_name") or ""):
                fp = (fc.get("file_abs_path") or fc.get("file_path") or "")
                rel = os.path.relpath(fp, root) if os.path.isabs(fp) else fp.lstrip("/")
                by_file[rel].append("%s@%s" % (cid, (fc.get("file_line_range") or [None])[0]))
    out = {}
    for c in cases:
        hits = by_file.get(c["id"] + "/Dockerfile", [])
        out[c["id"]] = (bool(hits), sorted(hits))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tools", default="dfix,tally,trivy,checkov")
    ap.add_argument("--results", default=os.path.join(HERE, "results.tsv"))
    args = ap.parse_args()
    tools = args.tools.split(",")
    cases = load_cases()
    root = tempfile.mkdtemp(prefix="dfix-recall-")
    try:
        stage(cases, root)
        res = {}
        if "dfix" in tools:
            res["dfix"] = run_dfix(cases)
        if "tally" in tools:
            res["tally"] = run_tally(cases)
        if "trivy" in tools:
            res["trivy"] = run_trivy(cases, root)
        if "checkov" in tools:
            res["checkov"] = run_checkov(cases, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    with open(args.results, "w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(["id", "source", "label", "kinds"] + ["%s\t%s_what" % (t, t) for t in tools]) + "\n")
        for c in cases:
            row = [c["id"], c["src"], c["label"], ";".join(c["kinds"])]
            for t in tools:
                hit, what = res[t][c["id"]]
                row += ["1" if hit else "0", " ".join(what) or "-"]
            fh.write("\t".join(row) + "\n")

    def count(tool, pred):
        sel = [c for c in cases if pred(c)]
        return sum(1 for c in sel if res[tool][c["id"]][0]), len(sel)

    subsets = [
        ("leaks, all", lambda c: c["label"] == "leak"),
        ("leaks, ours", lambda c: c["label"] == "leak" and c["src"] == "ours"),
        ("leaks, antipatterns", lambda c: c["src"] == "antipatterns"),
        ("clean (flagged)", lambda c: c["label"] == "clean"),
    ]
    print("%-10s" % "tool" + "".join("%22s" % s for s, _ in subsets))
    for t in tools:
        cells = []
        for _, pred in subsets:
            n, tot = count(t, pred)
            cells.append("%22s" % ("%d/%d" % (n, tot)))
        print("%-10s" % t + "".join(cells))
    if "dfix" in tools:
        print("\ndfix per kind (leaks found / leaks of that kind; clean kinds: flagged / total)")
        kinds = collections.defaultdict(lambda: [0, 0])
        for c in cases:
            for k in c["kinds"]:
                kinds[(c["label"], k)][1] += 1
                kinds[(c["label"], k)][0] += res["dfix"][c["id"]][0]
        for (label, k), (n, tot) in sorted(kinds.items()):
            print("  %-5s %-34s %3d/%-3d" % (label, k, n, tot))
    print("\nper-file results: %s" % os.path.relpath(args.results, REPO))


if __name__ == "__main__":
    main()
