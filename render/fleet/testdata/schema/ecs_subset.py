#!/usr/bin/env python3
"""Extract the ECS field definitions procsnap emits into ecs_subset.yml.

Run against a checkout of github.com/elastic/ecs:
    python3 ecs_subset.py /path/to/ecs COMMIT > ecs_subset.yml
It reads generated/ecs/ecs_flat.yml at COMMIT and keeps, for each field listed in FIELDS,
its name, type and whether ECS normalizes it to an array.
"""
import subprocess, sys
import yaml

repo, commit = sys.argv[1], sys.argv[2]
flat = yaml.safe_load(subprocess.check_output(["git", "-C", repo, "show", f"{commit}:generated/ecs/ecs_flat.yml"]))
version = subprocess.check_output(["git", "-C", repo, "show", f"{commit}:version"]).decode().strip()

LEADERS = ["parent", "session_leader", "group_leader"]
PROC = ["pid", "entity_id", "name", "executable", "args", "args_count", "command_line", "start",
        "interactive", "working_directory", "user.id", "real_user.id", "group.id", "real_group.id"]
FIELDS = ["@timestamp", "message", "ecs.version", "event.kind", "event.category", "event.type",
          "event.action", "event.module", "event.dataset",
          "host.hostname", "host.name", "host.boot.id", "host.pid_ns_ino",
          "process.vpid", "process.tty.char_device.major", "process.tty.char_device.minor"]
FIELDS += ["process." + f for f in PROC]
FIELDS += [f"process.{l}.{f}" for l in LEADERS for f in ["pid", "entity_id", "name", "executable", "start"]]

print(f"# ECS field definitions procsnap emits: name, type, and normalize: array where ECS says so.")
print(f"# Source: github.com/elastic/ecs generated/ecs/ecs_flat.yml, version {version}, commit {commit}.")
print(f"# Regenerate with ecs_subset.py (see the README in this directory).")
print(f"ecs_version: {version}")
print(f"commit: {commit}")
print("fields:")
for f in sorted(set(FIELDS)):
    d = flat.get(f)
    if d is None:
        sys.exit(f"{f}: not an ECS field")
    arr = "array" in (d.get("normalize") or [])
    print(f"  \"{f}\": {{type: {d['type']}{', array: true' if arr else ''}}}")
