#!/usr/bin/env python3
"""Compile the subset of the OCSF schema procsnap emits into ocsf_subset.json.

Run from a checkout of github.com/ocsf/ocsf-schema:
    python3 ocsf_subset.py /path/to/ocsf-schema COMMIT > ocsf_subset.json
It resolves "extends" chains of the Process Activity class and of the objects procsnap writes,
keeping for each attribute its type (resolved to a base type), whether it is an array, its
requirement and its enum keys. Profile-only attributes are left out.
"""
import json, subprocess, sys

repo, commit = sys.argv[1], sys.argv[2]

def load(path):
    return json.loads(subprocess.check_output(["git", "-C", repo, "show", f"{commit}:{path}"]))

dic = load("dictionary.json")
types = dic["types"]["attributes"]

def base(t):
    while t in types and types[t].get("type"):
        t = types[t]["type"]
    return t

def attrs(doc, chain_loader):
    out = {}
    if doc.get("extends") and doc["extends"] not in ("object", None):
        out.update(chain_loader(doc["extends"]))
    for k, v in doc.get("attributes", {}).items():
        if k.startswith("$") or not isinstance(v, dict):
            continue
        if v.get("profile"):
            continue
        prev = out.get(k, {})
        d = dict(dic["attributes"].get(k, {}))
        d.update(prev.get("_raw", {}))
        enum = dict(d.get("enum", {}))
        enum.update(v.get("enum", {}))
        d.update(v)
        if enum:
            d["enum"] = enum
        out[k] = {"_raw": d}
    return out

def obj(name):
    return attrs(load(f"objects/{name}.json"), obj)

def event(name, path):
    doc = load(path)
    def parent(n):
        p = {"system": "events/system/system.json", "base_event": "events/base_event.json"}[n]
        return event(n, p)
    return attrs(doc, parent)

def finish(a):
    res = {}
    for k, v in sorted(a.items()):
        d = v["_raw"]
        t = d.get("type", "")
        e = {"type": base(t) if t.endswith("_t") else t, "requirement": d.get("requirement", "optional")}
        if d.get("is_array"):
            e["is_array"] = True
        # The OCSF server fills these enums from the categories and classes: the test checks
        # class_uid, category_uid and type_uid itself.
        if "enum" in d and k not in ("class_uid", "category_uid", "type_uid"):
            e["enum"] = sorted(d["enum"].keys(), key=int)
        res[k] = e
    return res

pa = load("events/system/process_activity.json")
out = {
    "source": "github.com/ocsf/ocsf-schema",
    "commit": commit,
    "version": load("version.json")["version"],
    "category_uid": 1,
    "class_uid": 1000 + pa["uid"],
    "class": finish(event("process_activity", "events/system/process_activity.json")),
    "objects": {n: finish(obj(n)) for n in ["process", "process_entity", "user", "device", "metadata", "product", "actor"]},
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
