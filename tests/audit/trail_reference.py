#!/usr/bin/env python3
"""Independent reference for the CloudTrail file reader's tests.

Reads every file under a folder with nothing but Python's json and gzip modules and prints
one JSON object: for each file (path relative to the folder) either
    {"records": [record, ...]}        in file order, or
    {"error": "...", "line": N}       when the file is not valid JSON,
where a record is {"id", "ms", "line", "fields": {LookupEvents' fields}, "record": {...}}.
Shapes: {"Records": [...]} envelope, top-level array, single record, NDJSON. A record's time is
eventTime, else Logstash's @timestamp; line is the 1-based line on which the record starts.

Usage: trail_reference.py FOLDER
"""
import calendar
import gzip
import json
import os
import re
import sys

TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$")


def time_ms(text):
    match = TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or "").ljust(3, "0")[:3]
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    return seconds * 1000 + int(fraction)


def text(value):
    return value if isinstance(value, str) else ""


def username(identity):
    """LookupEvents' Username, written again from its description, not from the C++ code."""
    if text(identity.get("userName")):
        return identity["userName"]
    if identity.get("type") in ("AssumedRole", "FederatedUser"):
        session = text(identity.get("arn")).rpartition("/")
        if session[1] and session[2]:
            return session[2]
    context = identity.get("sessionContext")
    issuer = context.get("sessionIssuer") if isinstance(context, dict) else None
    if isinstance(issuer, dict) and text(issuer.get("userName")):
        return issuer["userName"]
    return text(identity.get("invokedBy"))


def fields(record):
    identity = record.get("userIdentity")
    identity = identity if isinstance(identity, dict) else {}
    read_only = record.get("readOnly")
    if read_only in ("true", "false"):
        read_only = read_only == "true"
    if not isinstance(read_only, bool):
        read_only = None
    resources = []
    for entry in record.get("resources") or []:
        if isinstance(entry, dict):
            name = text(entry.get("ARN")) or text(entry.get("ARNPrefix"))
            if name or text(entry.get("type")):
                resources.append([text(entry.get("type")), name])
    names = ["eventSource", "eventName", "eventType", "awsRegion", "sourceIPAddress",
             "userAgent", "errorCode", "recipientAccountId"]
    result = {name: text(record.get(name)) for name in names}
    result.update(accessKeyId=text(identity.get("accessKeyId")), username=username(identity),
                  readOnly=read_only, resources=resources)
    return result


def record_entry(record, line):
    if not isinstance(record, dict):
        return None
    when = record.get("eventTime")
    if not isinstance(when, str) or not when:
        when = record.get("@timestamp")
    if not isinstance(when, str) or not when:
        return None
    ms = time_ms(when)
    if ms is None:
        return None
    event_id = record.get("eventID")
    if not isinstance(event_id, str) or not event_id:
        event_id = "sha256:"  # the test checks only the prefix of computed ids
    return {"id": event_id, "ms": ms, "line": line, "fields": fields(record), "record": record}


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def array_records(text, start):
    """Decodes the array opening at text[start] element by element, to know where each starts."""
    decoder = json.JSONDecoder()
    records = []
    pos = start + 1
    ws = re.compile(r"\s*")
    pos = ws.match(text, pos).end()
    if text[pos] == "]":
        return records
    while True:
        value, end = decoder.raw_decode(text, pos)
        entry = record_entry(value, line_of(text, pos))
        if entry:
            records.append(entry)
        pos = ws.match(text, end).end()
        if text[pos] == "]":
            return records
        assert text[pos] == ","
        pos = ws.match(text, pos + 1).end()


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8-sig")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            return {"error": error.msg, "line": error.lineno}
        records = []
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                entry = record_entry(json.loads(line), number)
                if entry:
                    records.append(entry)
        return {"records": records}
    start = len(text) - len(text.lstrip())
    if isinstance(document, list):
        return {"records": array_records(text, start)}
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        match = re.compile(r'\{\s*"Records"\s*:\s*\[').match(text, start)
        assert match, "the envelope's Records come first in real files"
        return {"records": array_records(text, match.end() - 1)}
    entry = record_entry(document, line_of(text, start))
    return {"records": [entry] if entry else []}


def main():
    folder = sys.argv[1]
    result = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "CloudTrail-Digest"]
        for name in files:
            if name.startswith(".") or not name.lower().endswith((".json", ".gz", ".jsonl", ".ndjson")):
                continue
            path = os.path.join(root, name)
            result[os.path.relpath(path, folder)] = read(path)
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
