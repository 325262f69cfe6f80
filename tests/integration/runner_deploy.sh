#!/usr/bin/env bash
# tests/integration/runner_deploy.sh — the container image and the Kubernetes manifest, without a
# container engine: the Dockerfile is multi-stage on Debian 12, runs as a non-root user, installs
# a runtime package for every shared library the binary needs, and its ENTRYPOINT + CMD + ENV
# (with the files it COPYs) validate the example job; the manifest's container args + env, with
# its Secret as the secrets directory and the job ConfigMap, validate too, and its probes, port,
# mounts and grace period agree with those args.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_require readelf dpkg
sl_tmpdir

"$SL_PYTHON" - "$SL_SOURCE_DIR" "$SLUICE" "$SL_TMPDIR" <<'PY'
import json, os, re, shlex, socket, subprocess, sys
import yaml

src, sluice, tmp = sys.argv[1:4]

def fail(msg):
    sys.exit("FAIL: " + msg)

def closed_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def validate(argv, env, what, want=0):
    t0 = __import__("time").monotonic()
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    took = __import__("time").monotonic() - t0
    if r.returncode != want:
        fail("%s: %s exited %d, wanted %d\n%s%s" % (what, shlex.join(argv), r.returncode, want,
                                                     r.stdout, r.stderr))
    if want == 0 and "valid (" not in r.stdout:
        fail("%s: no validation summary: %r" % (what, r.stdout))
    if took > 10:
        fail("%s: --validate took %.1f s (did it connect?)" % (what, took))
    return r

base_env = {k: v for k, v in os.environ.items() if not k.startswith("SLUICE_")}
base_env["BOOTSTRAP_SERVERS"] = "127.0.0.1:%d" % closed_port()

# ---- Dockerfile ---------------------------------------------------------------------------------
text = open(os.path.join(src, "Dockerfile")).read()
joined = re.sub(r"\\\n", " ", text)
lines = [l.strip() for l in joined.splitlines() if l.strip() and not l.strip().startswith("#")]
stages, cur = [], None
for l in lines:
    word, _, rest = l.partition(" ")
    if word == "FROM":
        cur = {"from": rest, "lines": []}
        stages.append(cur)
    elif cur is not None:
        cur["lines"].append((word, rest.strip()))
if len(stages) < 2:
    fail("the Dockerfile is not multi-stage")
for st in stages:
    if not st["from"].split()[0].startswith("debian:12"):
        fail("a stage is not Debian 12: %s" % st["from"])
final = stages[-1]["lines"]
def one(word):
    vals = [r for w, r in final if w == word]
    if not vals:
        fail("the final stage has no %s" % word)
    return vals[-1]
entrypoint, cmd = json.loads(one("ENTRYPOINT")), json.loads(one("CMD"))
user = one("USER").split(":")[0]
if user in ("0", "root"):
    fail("the image runs as root")
if os.path.basename(entrypoint[0]) != "sluice":
    fail("the entrypoint is not the sluice binary: %s" % entrypoint)
env = dict(base_env)
for w, r in final:
    if w == "ENV":
        for tok in shlex.split(r):
            k, _, v = tok.partition("=")
            env[k] = v
copies = {}
for w, r in final:
    if w == "COPY" and not r.startswith("--from"):
        s, d = r.split()
        copies[d] = os.path.join(src, s)
# Every shared library the binary needs comes from a package the final stage installs.
installed = set()
for w, r in final:
    if w == "RUN" and "apt-get install" in r:
        installed |= {t for t in r.split("apt-get install", 1)[1].split("&&")[0].split()
                      if not t.startswith("-")}
needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                    subprocess.run(["readelf", "-d", sluice], capture_output=True, text=True).stdout)
for lib in needed:
    if re.match(r"lib(asan|ubsan|lsan)", lib):
        continue  # sanitizer runtimes of a test build; the image is built without them
    path = subprocess.run(["sh", "-c", "ldconfig -p | awk -v l=%s '$1==l {print $NF; exit}'" % lib],
                          capture_output=True, text=True).stdout.strip()
    pkg = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                         text=True).stdout.split(":")[0]
    if pkg and pkg != "libc6" and pkg not in installed:
        fail("%s (package %s) is needed but not installed in the image: %s" % (lib, pkg, installed))
# The entrypoint's command line, paths inside the image mapped to the files it copies.
for k, v in list(env.items()):
    if v in copies:
        env[k] = copies[v]
secrets = os.path.join(tmp, "image-secrets")
os.makedirs(secrets)
open(os.path.join(secrets, "kafka_password"), "w").write("image-secret\n")
env["SLUICE_SECRETS_DIR"] = secrets
validate([sluice] + entrypoint[1:] + cmd + ["--validate"], env, "the image's entrypoint")
del env["SLUICE_SECRETS_DIR"]
validate([sluice] + entrypoint[1:] + cmd + ["--validate"], env,
         "the image's entrypoint without the secret", want=78)

# ---- Kubernetes --------------------------------------------------------------------------------
docs = [d for d in yaml.safe_load_all(open(os.path.join(src, "examples/deploy/kubernetes.yaml"))) if d]
secret = next(d for d in docs if d["kind"] == "Secret")
dep = next(d for d in docs if d["kind"] == "Deployment")
pod = dep["spec"]["template"]["spec"]
c = pod["containers"][0]
args = c["args"]
opts = dict(a[2:].split("=", 1) for a in args if a.startswith("--") and "=" in a)
port = int(opts["http"].rsplit(":", 1)[1])
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
    g = c[probe]["httpGet"]
    if g["path"] != path or ports.get(g["port"], g["port"]) != port:
        fail("%s is not %s on port %d: %s" % (probe, path, port, g))
m = re.fullmatch(r"(\d+)s", opts["shutdown-timeout"])
if not m or pod["terminationGracePeriodSeconds"] <= int(m.group(1)):
    fail("terminationGracePeriodSeconds %s is not above --shutdown-timeout %s"
         % (pod["terminationGracePeriodSeconds"], opts["shutdown-timeout"]))
if not pod.get("securityContext", {}).get("runAsNonRoot"):
    fail("the pod may run as root")
mounts = {v["mountPath"]: v["name"] for v in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
sec_vol = vols[mounts[opts["secrets-dir"]]]
if sec_vol.get("secret", {}).get("secretName") != secret["metadata"]["name"]:
    fail("--secrets-dir %s is not the Secret's mount" % opts["secrets-dir"])
if "configMap" not in vols[mounts[os.path.dirname(opts["file"])]]:
    fail("--file %s is not in the job ConfigMap's mount" % opts["file"])
# Run the container's command line: the Secret's keys as files, the ConfigMap as the job.
k8s_secrets = os.path.join(tmp, "k8s-secrets")
os.makedirs(k8s_secrets)
for k, v in secret["stringData"].items():
    open(os.path.join(k8s_secrets, k), "w").write(v)
env = dict(base_env)
env.update({e["name"]: e["value"] for e in c.get("env", [])})
env["BOOTSTRAP_SERVERS"] = base_env["BOOTSTRAP_SERVERS"]  # the manifest's cluster is not here
mapped = [a.replace(opts["secrets-dir"], k8s_secrets)
           .replace(opts["file"], os.path.join(src, "examples/deploy/job.sql")) for a in args]
validate([sluice] + mapped + ["--validate"], env, "the manifest's container")
print("runner_deploy: image %s %s, manifest %s: valid" % (entrypoint, cmd, args), file=sys.stderr)
PY
sl_log "runner_deploy: all checks passed"
