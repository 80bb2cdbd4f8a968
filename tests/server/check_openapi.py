#!/usr/bin/env python3
"""Checks resources/openapi.yaml against gatehouse-server.

1. The routes the server serves (`gatehouse-server routes`, the contract the server refuses to
   start without) and the spec's paths and methods are the same.
2. Every example in the spec validates against its schema.
3. A real server, started here on a throwaway store, answers a walk through the API with bodies
   that validate against the schema the spec gives for that route and status.

Usage: check_openapi.py <gatehouse-server> <openapi.yaml>
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import warnings

import jsonschema
import yaml

# Newer jsonschema releases deprecate RefResolver; Debian 12's (4.10) has nothing else.
warnings.filterwarnings("ignore", category=DeprecationWarning)

METHODS = ("get", "post", "put", "patch", "delete")
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def validator(spec, schema):
    resolver = jsonschema.RefResolver.from_schema(spec)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def check_routes(server, spec):
    served = json.loads(subprocess.run([server, "routes"], check=True, capture_output=True,
                                       text=True).stdout)
    served = {(r["method"].lower(), r["path"]) for r in served}
    documented = {(m, p) for p, item in spec["paths"].items() for m in item if m in METHODS}
    for method, path in sorted(served - documented):
        fail(f"served but not in the spec: {method.upper()} {path}")
    for method, path in sorted(documented - served):
        fail(f"in the spec but not served: {method.upper()} {path}")
    print(f"routes: {len(served)} served, {len(documented)} documented")


def examples_of(node, where):
    """Yields (where, schema, example) for every media type object with examples."""
    if isinstance(node, dict):
        if "schema" in node and ("example" in node or "examples" in node):
            if "example" in node:
                yield where, node["schema"], node["example"]
            for name, example in (node.get("examples") or {}).items():
                yield f"{where} ({name})", node["schema"], example["value"]
        for key, value in node.items():
            yield from examples_of(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples_of(value, f"{where}/{index}")


def check_examples(spec):
    count = 0
    for where, schema, example in examples_of(spec, ""):
        count += 1
        for error in validator(spec, schema).iter_errors(example):
            fail(f"example at {where} does not validate: {error.message}")
    if count < 20:
        fail(f"only {count} examples; the spec should show most bodies")
    print(f"examples: {count} checked")


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def template_for(spec, path):
    for template in spec["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    return None


class Walk:
    """Calls a live server and checks every answer against the spec."""

    def __init__(self, spec, port):
        self.spec = spec
        self.base = f"http://127.0.0.1:{port}"
        self.checked = 0

    def call(self, method, target, body=None, token=None, expect=None, content_type=None):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type or "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        request = urllib.request.Request(self.base + target, data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, kind = response.status, response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers.get_content_type()
        path = target.split("?")[0]
        template = template_for(self.spec, path)
        where = f"{method} {target} -> {status}"
        if expect is not None and status != expect:
            fail(f"{where}: expected {expect}: {raw[:300]!r}")
        if template is None:
            fail(f"{where}: no such path in the spec")
            return status, None
        operation = self.spec["paths"][template].get(method.lower())
        answer = resolve(self.spec, (operation or {}).get("responses", {}).get(str(status)))
        if answer is None:
            fail(f"{where}: status not in the spec")
            return status, None
        content = answer.get("content")
        if not content:
            if raw:
                fail(f"{where}: the spec says no body, the server sent {len(raw)} bytes")
            self.checked += 1
            return status, None
        if kind not in content:
            fail(f"{where}: content type {kind} not in the spec ({', '.join(content)})")
            return status, None
        parsed = json.loads(raw) if kind == "application/json" else raw.decode()
        for error in validator(self.spec, content[kind]["schema"]).iter_errors(parsed):
            fail(f"{where}: {error.message}")
        self.checked += 1
        return status, parsed


def walk(server, spec, directory):
    database = os.path.join(directory, "store.db")
    password = "correct horse battery staple 42"
    env = dict(os.environ, GATEHOUSE_DATABASE=database, GATEHOUSE_RATE_LIMIT="0",
               GATEHOUSE_LISTEN="127.0.0.1:0")
    subprocess.run([server, "init", "--owner", "root", "--email", "root@example.com"],
                   input=password + "\n", text=True, env=env, check=True, capture_output=True)
    # Password-only sessions act with their roles (as the C++ suites set it, by the policy row).
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO policies (name, document, updated_at, updated_by) VALUES "
                   "('mfa', '{\"requiredForRoles\":[]}', '2026-01-01T00:00:00.000Z', 'test')")
    process = subprocess.Popen([server, "--insecure-http"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in process.stderr:
            match = re.search(r"serving http on [^:]+:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            fail("the server did not start")
            return
        w = Walk(spec, port)
        w.call("GET", "/healthz", expect=200)
        w.call("GET", "/readyz", expect=200)
        w.call("GET", "/metrics", expect=200)
        w.call("GET", "/.well-known/jwks.json", expect=200)
        w.call("POST", "/auth/signup", {"username": "eve", "password": "x" * 20}, expect=403)
        w.call("POST", "/auth/login", {"username": "root", "password": "wrong password"}, expect=401)
        _, session = w.call("POST", "/auth/login", {"username": "root", "password": password},
                            expect=200)
        root = session["token"]
        w.call("GET", "/auth/user", token=root, expect=200)
        w.call("GET", "/auth/user", token="gh_s_nothing", expect=401)
        w.call("GET", "/auth/sessions", token=root, expect=200)
        w.call("POST", "/auth/token", token=root, expect=503)  # no signing key yet
        w.call("PUT", "/admin/v1/policies/signup", {"enabled": True}, token=root, expect=200)
        w.call("POST", "/auth/signup", {"username": "alice", "password": "purple elephants dance at noon",
                                        "email": "alice@example.com"}, expect=201)
        w.call("POST", "/auth/signup", {"username": "alice", "password": "purple elephants dance at noon"},
               expect=409)
        _, alice = w.call("POST", "/auth/login", {"username": "alice",
                                                  "password": "purple elephants dance at noon"},
                          expect=200)
        _, own = w.call("GET", "/auth/sessions", token=alice["token"], expect=200)
        w.call("DELETE", "/auth/sessions/" + own["sessions"][0]["id"], token=alice["token"], expect=200)
        _, created = w.call("POST", "/admin/v1/users", {"username": "bob", "roles": ["operator"]},
                            token=root, expect=201)
        bob = created["id"]
        w.call("GET", "/admin/v1/users?pageSize=2", token=root, expect=200)
        w.call("GET", "/admin/v1/users?pageSize=0", token=root, expect=400)
        w.call("GET", "/admin/v1/users/" + bob, token=root, expect=200)
        w.call("PATCH", "/admin/v1/users/" + bob, {"displayName": "Bob"}, token=root, expect=200)
        _, code = w.call("POST", f"/admin/v1/users/{bob}/password-code", token=root, expect=200)
        w.call("POST", "/auth/password/reset", {"code": code["code"], "newPassword": "seven quiet herons by the lake"},
               expect=200)
        w.call("POST", f"/admin/v1/users/{bob}/lock", {"until": "2099-01-01T00:00:00Z"}, token=root, expect=200)
        w.call("POST", f"/admin/v1/users/{bob}/unlock", token=root, expect=200)
        w.call("PUT", f"/admin/v1/users/{bob}/roles", {"roles": ["auditor"]}, token=root, expect=200)
        w.call("PUT", f"/admin/v1/users/{bob}/status", {"status": "disabled"}, token=root, expect=200)
        w.call("POST", f"/admin/v1/users/{bob}/sessions/revoke", {"reason": "test"}, token=root, expect=200)
        w.call("POST", "/admin/v1/users/bulk", {"action": "enable", "ids": [bob]}, token=root, expect=200)
        w.call("POST", "/admin/v1/users/import?dryRun=true", {"users": [{"username": "carol"}]},
               token=root, expect=200)
        w.call("POST", "/admin/v1/users/import", {"users": [{"username": "carol"}, {"username": "carol"}]},
               token=root, expect=400)
        w.call("POST", "/admin/v1/users/import", b"username\ncarol\n", token=root, expect=201,
               content_type="text/csv")
        w.call("GET", "/admin/v1/reports/credentials", token=root, expect=200)
        w.call("GET", "/admin/v1/sessions", token=root, expect=200)
        w.call("POST", "/admin/v1/sessions/revoke", {"olderThan": "2000-01-01T00:00:00Z"}, token=root,
               expect=200)
        _, issued = w.call("POST", "/admin/v1/tokens", {"name": "reader", "scopes": ["introspect"]},
                           token=root, expect=201)
        token_id = issued["token"]["id"]
        w.call("POST", "/auth/introspect", {"token": root}, token=issued["secret"], expect=200)
        w.call("GET", "/admin/v1/tokens", token=root, expect=200)
        w.call("GET", "/admin/v1/tokens/" + token_id, token=root, expect=200)
        w.call("POST", f"/admin/v1/tokens/{token_id}/rotate", {"expectedGeneration": 1}, token=root, expect=200)
        w.call("POST", f"/admin/v1/tokens/{token_id}/rotate", {"expectedGeneration": 1}, token=root, expect=409)
        w.call("PUT", f"/admin/v1/tokens/{token_id}/active", {"active": False}, token=root, expect=200)
        w.call("DELETE", "/admin/v1/tokens/" + token_id, {"reason": "done"}, token=root, expect=200)
        w.call("POST", "/admin/v1/tokens/purge", token=root, expect=200)
        w.call("POST", "/admin/v1/keys/rotate", token=root, expect=201)
        w.call("POST", "/auth/token", token=root, expect=200)
        _, keys = w.call("GET", "/admin/v1/keys", token=root, expect=200)
        w.call("POST", f"/admin/v1/keys/{keys['keys'][0]['kid']}/retire", token=root, expect=409)
        w.call("POST", "/admin/v1/keys/purge", token=root, expect=200)
        for name in ("password", "session", "mfa", "tokens", "jwt", "signup"):
            _, policy = w.call("GET", "/admin/v1/policies/" + name, token=root, expect=200)
            w.call("PUT", "/admin/v1/policies/" + name, policy, token=root, expect=200)
        w.call("POST", "/admin/v1/audit/lookup", {"LookupAttributes": [
            {"AttributeKey": "EventName", "AttributeValue": "CreateUser"}], "MaxResults": 5},
            token=root, expect=200)
        w.call("POST", "/admin/v1/audit/checkpoints", token=root, expect=201)
        w.call("GET", "/admin/v1/audit/checkpoints", token=root, expect=200)
        w.call("GET", "/admin/v1/audit/keys", token=root, expect=200)
        w.call("POST", "/admin/v1/audit/keys/rotate", token=root, expect=200)
        w.call("POST", "/admin/v1/audit/verify", token=root, expect=200)
        w.call("DELETE", "/admin/v1/users/" + bob, token=root, expect=204)
        w.call("POST", "/auth/logout", token=root, expect=204)
        print(f"live answers: {w.checked} checked against the spec")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def main():
    server, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as file:
        spec = yaml.safe_load(file)
    if spec.get("openapi") != "3.1.0":
        fail("the spec is not OpenAPI 3.1.0")
    check_routes(server, spec)
    check_examples(spec)
    with tempfile.TemporaryDirectory() as directory:
        walk(server, spec, directory)
    if failures:
        print(f"{len(failures)} problem(s)")
        return 1
    print("openapi.yaml matches the server")
    return 0


if __name__ == "__main__":
    sys.exit(main())
