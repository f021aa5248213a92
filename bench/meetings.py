#!/usr/bin/env python3
"""Meetings benchmark helper (bench/meetings.sh).

  ics FILE BODY COUNT SEED   a calendar of COUNT meetings of BODY (Europe/Zurich, timed and
                             whole-day, some across a change of the clocks), for
                             `liaise import meetings`
  setup BASE TOKEN OUT       a meeting with a 50-item agenda (10 items of 4 sub-items each);
                             writes its id, and OUT.paths: 1,000 meeting pages to cycle
  cold BASE TOKEN ID N       N times: change the meeting, then time its page; p50/p99 in ms
  report RAW BACKEND HEADER OUT   the markdown table
"""
import json
import random
import sys
import time
import urllib.request


def ics(path, body, count, seed):
    rng = random.Random(int(seed))
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//liaise//bench//EN"]
    for n in range(int(count)):
        year = 2015 + n % 20
        month = 1 + (n * 7) % 12
        day = 1 + rng.randrange(27)
        out += ["BEGIN:VEVENT", f"UID:bench-{body}-{n}@bench.liaise",
                f"SUMMARY:{body} generated meeting {n}"]
        if n % 3 == 0:
            out += [f"DTSTART;VALUE=DATE:{year}{month:02}{day:02}",
                    f"DTEND;VALUE=DATE:{year}{month:02}{min(day + 3, 28):02}"]
        else:
            out += [f"DTSTART;TZID=Europe/Zurich:{year}{month:02}{day:02}T093000",
                    f"DTEND;TZID=Europe/Zurich:{year}{month:02}{min(day + 4, 28):02}T173000"]
        out += ["LOCATION:Geneva", "CATEGORIES:" + body, "END:VEVENT"]
    out.append("END:VCALENDAR")
    with open(path, "w") as f:
        f.write("\r\n".join(out) + "\r\n")


def request(base, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")


def setup(base, token, out):
    m = request(base, token, "POST", "/api/v1/meetings", {
        "kind": "body-meeting", "title": "Benchmark meeting with a long agenda",
        "start": "2026-03-27T09:00", "end": "2026-03-31T17:00", "time_zone": "Europe/Zurich",
        "place": "Geneva", "bodies": ["SG2", "POC"], "summary": "A meeting of **record**."})
    items = [{"title": f"Item {t}", "outcome": f"Outcome of item {t}.",
              "children": [{"title": f"Sub-item {t}.{c}"} for c in range(1, 5)]}
             for t in range(1, 11)]
    request(base, token, "PUT", f"/api/v1/meetings/{m['id']}/agenda", {"items": items})
    request(base, token, "POST", f"/api/v1/meetings/{m['id']}/minutes",
            {"text": "The meeting **noted** every item.\n\n" * 20})
    ids = []
    page = 1
    while len(ids) < 1000:
        got = request(base, token, "GET", f"/api/v1/meetings?per_page=500&page={page}")
        ids += [i["id"] for i in got["items"]]
        if not got["items"]:
            break
        page += 1
    with open(out, "w") as f:
        f.write(str(m["id"]))
    with open(out + ".paths", "w") as f:
        f.write("\n".join(f"/meetings/{i}" for i in ids[:1000]) + "\n")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def cold(base, token, mid, n):
    times = []
    for k in range(int(n)):
        request(base, token, "PATCH", f"/api/v1/meetings/{mid}", {"number": f"B{k}"})
        t0 = time.perf_counter()
        with urllib.request.urlopen(f"{base}/meetings/{mid}", timeout=60) as r:
            r.read()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"p50_ms={percentile(times, 50):.2f} p99_ms={percentile(times, 99):.2f}")


def report(raw, backend, header, out):
    rows = [l.split() for l in open(raw) if l.strip()]
    base = next((float(r[1]) for r in rows if r[0] == "baseline"), 0.0)
    lines = [f"# Meetings benchmark, {backend}", "", header, "",
             "| target | requests/s | % of baseline | p99 ms | goal | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        name = r[0]
        if name == "cold":
            p99 = float(r[2].split("=")[1])
            lines.append(f"| meeting page right after a write | – | – | {p99:.2f} | p99 ≤ 10 ms | {'yes' if p99 <= 10 else 'no'} |")
            continue
        rps, p99 = float(r[1]), float(r[2])
        share = 100 * rps / base if base else 0
        if name == "baseline":
            lines.append(f"| baseline | {rps:.0f} | 100 | {p99:.2f} | – | – |")
        elif name == "cycle-1000":
            lines.append(f"| 1,000 distinct meeting pages | {rps:.0f} | {share:.0f} | {p99:.2f} | p99 ≤ 25 ms | {'yes' if p99 <= 25 else 'no'} |")
        else:
            met = share >= 30 and p99 <= 10
            lines.append(f"| {name} | {rps:.0f} | {share:.0f} | {p99:.2f} | ≥ 30 %, p99 ≤ 10 ms | {'yes' if met else 'no'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"ics": ics, "setup": setup, "cold": cold, "report": report}[cmd](*args)
