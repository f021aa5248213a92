#!/usr/bin/env python3
"""Helpers of bench/lists.sh (standard library only).

  lists.py proposals DIR COUNT FIXTURE      plain-text proposals to import, one per file
  lists.py setup BASE TOKEN ACTIVITIES      activities through the API, proposal statuses
  lists.py urls BASE TOKEN OUTDIR [TARGET]  URL files of distinct filter x sort x page URLs
  lists.py idle BASE FILE N [TOKEN]         N URLs of FILE once each, one after the other
  lists.py writer BASE TOKEN RATE OUT       POST statements at RATE a second until SIGTERM
  lists.py report RAW BACKEND HEADER OUT    the markdown table of a run, targets marked
"""

import http.client
import json
import math
import os
import random
import signal
import sys
import threading
import time
import urllib.parse
from datetime import date

# The lists measured: name, then whether it needs the admin token.
LISTS = [
    ("liaisons-page", False),
    ("liaisons-api", False),
    ("documents-page", False),
    ("documents-api", False),
    ("proposals-api", False),
    ("activities-page", False),
    ("activities-api", False),
    ("body-pages", False),
    ("topic-pages", False),
    ("search-page", False),
    ("search-api", False),
    ("audit-api", True),
]

DOC_KINDS = ["contribution", "temporary-document", "report", "liaison-attachment",
             "terms-of-reference", "resolution-text", "other"]
ACTIVITY_KINDS = ["decision", "agreement", "initiative", "event", "meeting", "publication", "note"]
PROPOSAL_STATUSES = ["submitted", "under-discussion", "adopted", "adopted-with-changes",
                     "not-adopted", "withdrawn"]
PROPOSAL_SOURCES = ["ATU", "EUR", "ARB", "APT", "CTU", "RCC", "IAP", "ACP"]
# Words of the generated documents' text (crates/liaise-cli/src/documents.rs) and of the
# generated statements' titles, whole and as prefixes (the last word also matches as one).
SEARCH_WORDS = ["postal", "telecommunication", "collaboration", "digital", "financial",
                "services", "quality", "experience", "payment", "mobile", "remittance",
                "inclusion", "security", "standard", "interoperability", "network", "operator",
                "cost", "transaction", "study", "group", "council", "committee", "question",
                "recommendation", "work", "item", "joint", "meeting", "liaison", "generated",
                "statement", "pos", "tele", "remit", "interop", "secur", "fin", "pay", "qual"]
SEARCH_PHRASES = ["postal services", "digital financial", "mobile payment", "quality of service",
                  "joint meeting", "study group", "generated liaison", "liaison statement",
                  "postal collaboration", "network operator", "cost transaction",
                  "financial inclusion", "security standard", "work item",
                  "digital financial inclusion", "postal services quality"]


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, base, token=None, timeout=60):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.token = token
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    def json(self, path):
        status, data = self.request("GET", path)
        if status != 200:
            sys.exit(f"lists.py: GET {path} answered {status}: {data[:300]!r}")
        return json.loads(data)


def query(path, params):
    """`path?k=v&...` with the parameters that are set, in the order given."""
    q = [(k, v) for k, v in params if v is not None]
    return path + ("?" + urllib.parse.urlencode(q) if q else "")


def total(client, path, params):
    return client.json(query(path, list(params) + [("per_page", 1)]))["total"]


# ---- data ---------------------------------------------------------------------------------

def cmd_proposals(out_dir, count, fixture):
    """COUNT copies of the plain-text proposal FIXTURE, each with its own identifier."""
    text = open(fixture, encoding="utf-8").read()
    if "ATU/35A3/1" not in text:
        sys.exit("lists.py: the fixture no longer names ATU/35A3/1")
    os.makedirs(out_dir, exist_ok=True)
    for i in range(int(count)):
        source = PROPOSAL_SOURCES[i % len(PROPOSAL_SOURCES)]
        ident = f"{source}/{100 + i}/1"
        body = text.replace("ATU/35A3/1", ident) + f"\nGenerated for the list benchmark, {i}.\n"
        with open(os.path.join(out_dir, f"p{i:05}.txt"), "w", encoding="utf-8") as f:
            f.write(body)


def registry(client):
    bodies = client.json("/api/v1/bodies?per_page=500")["items"]
    topics = client.json("/api/v1/topics?per_page=500")["items"]
    return bodies, topics


def cmd_setup(base, token, activities):
    """Activities through the API (of every kind, organization, body, topic and year), and a
    spread of statuses over the imported proposals."""
    c = Client(base, token)
    bodies, topics = registry(c)
    rng = random.Random(7)
    access = ["public", "public", "members", "secretariat"]
    t0 = time.time()
    for i in range(int(activities)):
        b = rng.choice(bodies)
        body = {
            "kind": ACTIVITY_KINDS[i % len(ACTIVITY_KINDS)],
            "title": f"Benchmark activity {i} on {rng.choice(SEARCH_WORDS[:30])}",
            "summary": "An activity generated for the list benchmark.",
            "date": f"{rng.choice([2023, 2024, 2025, 2026])}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}",
            "access": rng.choice(access),
            "bodies": [b["code"]],
            "topics": [rng.choice(topics)["slug"]],
        }
        status, data = c.request("POST", "/api/v1/activities", body)
        if status != 201:
            sys.exit(f"lists.py: POST /api/v1/activities answered {status}: {data[:300]!r}")
    print(f"{activities} activities in {time.time() - t0:.1f} s", file=sys.stderr)
    page, changed = 1, 0
    while True:
        items = c.json(f"/api/v1/proposals?per_page=500&page={page}")["items"]
        if not items:
            break
        for p in items:
            ident = p["identifier"]
            status = PROPOSAL_STATUSES[rng.randrange(len(PROPOSAL_STATUSES))]
            if status == "submitted":
                continue
            s, data = c.request("PATCH", "/api/v1/proposals/" + ident, {"status": status})
            if s != 200:
                sys.exit(f"lists.py: PATCH proposal {ident} answered {s}: {data[:300]!r}")
            changed += 1
        page += 1
    print(f"{changed} proposal statuses changed", file=sys.stderr)


# ---- URLs ---------------------------------------------------------------------------------

def pages_of(total_items, per_page):
    return max(1, math.ceil(total_items / per_page))


def spread(rng, combos, target):
    """Distinct URLs from (make_url, last_page) pairs: first page 1 of every combination,
    then its last page and the deep ones (middle, three quarters), then random pages within
    range, until `target` URLs or every page is taken."""
    chosen, seen = [], set()

    def add(u):
        if u not in seen and len(chosen) < target:
            seen.add(u)
            chosen.append(u)

    for make, last in combos:
        add(make(1))
    for make, last in combos:
        for p in (last, (last + 1) // 2, max(1, last * 3 // 4), 2):
            if p <= last:
                add(make(p))
    remaining = [(make, last) for make, last in combos if last > 5]
    while len(chosen) < target and remaining:
        make, last = rng.choice(remaining)
        before = len(chosen)
        for _ in range(8):
            add(make(rng.randint(1, last)))
        if len(chosen) == before:
            # This combination's pages may all be taken: stop drawing from it.
            taken = sum(1 for p in range(1, last + 1) if make(p) in seen)
            if taken >= last:
                remaining.remove((make, last))
    rng.shuffle(chosen)
    return chosen


def make_url(path, params, extra_after=()):
    return lambda p: query(path, list(params) + list(extra_after) + ([("page", p)] if p > 1 else []))


def liaison_urls(c, rng, bodies, topics, target):
    orgs = [None, "ITU", "UPU"]
    purposes = [None, "action", "comment", "information"]
    this_year = date.today().year
    some_topics = [t["slug"] for t in rng.sample(topics, min(3, len(topics)))]
    some_bodies = [b["code"] for b in rng.sample(bodies, min(4, len(bodies)))]
    extras = ([[]] + [[("state", "sent")], [("awaiting", "true")], [("overdue", "true")]]
              + [[("year", y)] for y in (2024, 2025, 2026, this_year + 1) if y <= this_year + 1]
              + [[("topic", t)] for t in some_topics]
              + [[("from", b)] for b in some_bodies[:2]] + [[("to", b)] for b in some_bodies[2:]])
    combos = []
    for org in orgs:
        for purpose in purposes:
            for extra in extras:
                params = [("organization", org), ("purpose", purpose)] + extra
                n = total(c, "/api/v1/liaisons", params)
                combos.append((params, n))
    out = {}
    for name, path in (("liaisons-page", "/liaisons"), ("liaisons-api", "/api/v1/liaisons")):
        cs = [(make_url(path, params, [("sort", s)]), pages_of(n, 50))
              for params, n in combos for s in ("newest", "oldest", "title")]
        out[name] = spread(random.Random(rng.random()), cs, target)
    out["liaisons-page.repeat"] = "/liaisons?organization=ITU&purpose=action&year=2025"
    out["liaisons-api.repeat"] = "/api/v1/liaisons?organization=ITU&purpose=action&year=2025"
    return out


def document_urls(c, rng, bodies, target):
    some_bodies = [None] + [b["code"] for b in rng.sample(bodies, min(12, len(bodies)))]
    years = [None] + list(range(2020, 2027))
    api, page = [], []
    for kind in [None] + DOC_KINDS:
        for year in years:
            for body in some_bodies:
                for org in (None, "ITU", "UPU") if body is None else (None,):
                    params = [("kind", kind), ("body", body), ("organization", org), ("year", year)]
                    n = total(c, "/api/v1/documents", params)
                    for per_page in (None, 20, 100):
                        api.append((make_url("/api/v1/documents", params, [("per_page", per_page)]),
                                    pages_of(n, per_page or 50)))
                    if org is None:
                        page.append((make_url("/documents", params), pages_of(n, 50)))
    return {
        "documents-api": spread(random.Random(rng.random()), api, target),
        "documents-page": spread(random.Random(rng.random()), page, target),
        "documents-api.repeat": "/api/v1/documents?kind=contribution",
        "documents-page.repeat": "/documents?kind=contribution",
    }


def proposal_urls(c, rng, target):
    combos = []
    for tgt in (None, "11"):
        for status in [None] + PROPOSAL_STATUSES:
            for source in [None] + PROPOSAL_SOURCES:
                params = [("target", tgt), ("status", status), ("source", source)]
                n = total(c, "/api/v1/proposals", params)
                for per_page in (None, 5, 10, 20):
                    pp = [("per_page", per_page)]
                    combos.append((make_url("/api/v1/proposals", params, pp),
                                   pages_of(n, per_page or 50)))
    return {"proposals-api": spread(rng, combos, target),
            "proposals-api.repeat": "/api/v1/proposals?target=11"}


def activity_urls(c, rng, bodies, topics, target):
    narrow = ([[]] + [[("body", b["code"])] for b in rng.sample(bodies, min(8, len(bodies)))]
              + [[("topic", t["slug"])] for t in rng.sample(topics, min(6, len(topics)))])
    combos = []
    for kind in [None] + ACTIVITY_KINDS:
        for org in (None, "ITU", "UPU"):
            for year in (None, 2024, 2025, 2026):
                for extra in narrow:
                    params = [("kind", kind), ("organization", org), ("year", year)] + extra
                    n = total(c, "/api/v1/activities", params)
                    combos.append((params, n))
    out = {}
    for name, path in (("activities-page", "/activities"), ("activities-api", "/api/v1/activities")):
        per_pages = (None, 10, 20) if path.startswith("/api/") else (None,)
        cs = [(make_url(path, params, [("per_page", pp)]), pages_of(n, pp or 50))
              for params, n in combos for pp in per_pages]
        out[name] = spread(random.Random(rng.random()), cs, target)
    out["activities-page.repeat"] = "/activities?kind=meeting"
    out["activities-api.repeat"] = "/api/v1/activities?kind=meeting"
    return out


def search_urls(c, rng, target):
    qs = SEARCH_WORDS + SEARCH_PHRASES
    combos = [(q, kind, org) for q in qs for kind in (None, "liaison", "document", "activity", "body")
              for org in (None, "ITU", "UPU")]
    rng.shuffle(combos)
    api, page = [], []
    # Totals of a sample of the combinations (a search costs more than a count).
    for q, kind, org in combos[:360]:
        params = [("q", q), ("kind", kind), ("organization", org)]
        n = total(c, "/api/v1/search", params)
        last = pages_of(min(n, 10_000), 50)
        api.append((make_url("/api/v1/search", params), last))
        page.append((make_url("/search", params), last))
    return {
        "search-api": spread(random.Random(rng.random()), api, target),
        "search-page": spread(random.Random(rng.random()), page, target),
        "search-api.repeat": "/api/v1/search?q=postal+services",
        "search-page.repeat": "/search?q=postal+services",
    }


def audit_urls(c, rng, target):
    combos = []
    for entity in (None, "liaison", "document", "activity", "proposal", "token"):
        for action in (None, "import", "create", "update", "generate", "status"):
            params = [("entity", entity), ("action", action)]
            n = total(c, "/api/v1/audit", params)
            for per_page in (None, 20, 100):
                combos.append((make_url("/api/v1/audit", params, [("per_page", per_page)]),
                               pages_of(n, per_page or 50)))
    urls = spread(rng, combos, max(target - 200, target * 4 // 5))
    # The history of single statements: small answers from a large table.
    first = c.json("/api/v1/liaisons?per_page=1&sort=oldest")["items"][0]["id"]
    last = c.json("/api/v1/liaisons?per_page=1&sort=newest")["items"][0]["id"]
    keys = rng.sample(range(first, last + 1), min(target - len(urls), last - first + 1))
    urls += [f"/api/v1/audit?entity=liaison&key={k}" for k in keys]
    rng.shuffle(urls)
    return {"audit-api": urls, "audit-api.repeat": "/api/v1/audit"}


def cmd_urls(base, token, out_dir, target=2000):
    target = int(target)
    anon, admin = Client(base), Client(base, token)
    rng = random.Random(12)
    bodies, topics = registry(anon)
    t0 = time.time()
    files = liaison_urls(anon, rng, bodies, topics, target)
    files.update(document_urls(anon, rng, bodies, target))
    files.update(proposal_urls(anon, rng, target))
    files.update(activity_urls(anon, rng, bodies, topics, target))
    files.update(search_urls(anon, rng, target))
    files.update(audit_urls(admin, rng, target))
    files["body-pages"] = [f"/bodies/{urllib.parse.quote(b['code'])}" for b in bodies]
    files["body-pages.repeat"] = files["body-pages"][0]
    files["topic-pages"] = [f"/topics/{urllib.parse.quote(t['slug'])}" for t in topics]
    files["topic-pages.repeat"] = "/topics/dfs"
    rng.shuffle(files["body-pages"])
    rng.shuffle(files["topic-pages"])
    files["baseline"] = ["/bench/baseline"]
    os.makedirs(out_dir, exist_ok=True)
    for name, urls in files.items():
        with open(os.path.join(out_dir, name), "w") as f:
            f.write("\n".join([urls] if isinstance(urls, str) else urls) + "\n")
    for name, _ in LISTS:
        print(f"  {name}: {len(files[name])} distinct URLs", file=sys.stderr)
    print(f"URL lists made in {time.time() - t0:.1f} s", file=sys.stderr)


# ---- measurements -------------------------------------------------------------------------

def percentile(values, p):
    """The nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def cmd_idle(base, path_file, n, token=None):
    """Each of the first N URLs once, one after the other, on one keep-alive connection: the
    time to the last byte of an answer nothing remembered yet."""
    c = Client(base, token or None)
    urls = [u for u in open(path_file).read().splitlines() if u][: int(n)]
    times, errors = [], 0
    for u in urls:
        t0 = time.perf_counter()
        status, _ = c.request("GET", u)
        times.append((time.perf_counter() - t0) * 1000)
        if not 200 <= status < 300:
            errors += 1
            if errors <= 3:
                print(f"idle: {u} answered {status}", file=sys.stderr)
    print(f"IDLE urls={len(urls)} p50_ms={percentile(times, 50):.2f} "
          f"p99_ms={percentile(times, 99):.2f} max_ms={max(times):.2f} errors={errors}")


def cmd_writer(base, token, rate, out):
    """New statements (sent, public) through POST /api/v1/liaisons at RATE a second until
    SIGTERM, each on its schedule in its own thread and connection (open loop: a slow server
    does not slow the writes down); then one line of counts to OUT."""
    c = Client(base, token)
    bodies, topics = registry(c)
    itu = [b["code"] for b in bodies if "ITU" in (b.get("organizations") or [])]
    upu = [b["code"] for b in bodies if "UPU" in (b.get("organizations") or [])]
    if not itu or not upu:
        sys.exit("lists.py: no ITU or UPU bodies to write statements between")
    rng = random.Random(os.getpid())
    # The handler only sets a flag: an Event set from a signal handler can deadlock with the
    # main thread's own wait on that Event (its condition's lock is not reentrant).
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    lock = threading.Lock()
    results = []  # (status, milliseconds)

    def post(body):
        t0 = time.perf_counter()
        try:
            status, data = Client(base, token).request("POST", "/api/v1/liaisons", body)
        except OSError as e:
            status, data = 0, str(e).encode()
        with lock:
            results.append((status, (time.perf_counter() - t0) * 1000))
            bad = sum(1 for s, _ in results if s != 201)
        if status != 201 and bad <= 3:
            print(f"writer: POST answered {status}: {data[:300]!r}", file=sys.stderr)

    interval = 1 / float(rate)
    start = time.monotonic()
    threads = []
    i = 0
    while not stopping:
        body = {
            "title": f"Benchmark statement {os.getpid()}-{i} on {rng.choice(SEARCH_WORDS[:30])}",
            "from": [rng.choice(itu)],
            "addressees": [{"body": rng.choice(upu), "purpose": "action",
                            "deadline": f"{date.today().year + 1}-03-01"}],
            "topics": [rng.choice(topics)["slug"]],
            "date": date.today().isoformat(),
            "state": "sent",
            "access": "public",
            "text": "Written while the list benchmark reads.",
        }
        t = threading.Thread(target=post, args=(body,), daemon=True)
        t.start()
        threads.append(t)
        i += 1
        time.sleep(max(0.0, start + i * interval - time.monotonic()))
    elapsed = time.monotonic() - start
    deadline = time.monotonic() + 15
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    with lock:
        done = list(results)
    written = sum(1 for s, _ in done if s == 201)
    errors = len(threads) - written  # refused, failed, or unanswered after 15 s
    times = [ms for _, ms in done] or [0]
    with open(out, "w") as f:
        f.write(f"WRITER scheduled={len(threads)} written={written} errors={errors} "
                f"seconds={elapsed:.1f} rate={written / elapsed if elapsed else 0:.2f} "
                f"write_p50_ms={percentile(times, 50):.1f} write_max_ms={max(times):.1f}\n")


# ---- report -------------------------------------------------------------------------------

def parse_kv(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def cmd_report(raw, backend, header, out):
    """RAW holds lines `<list> <mode> <urls> RESULT ...`, `<list> idle IDLE ...` and
    `<list> writes WRITER ...`; the markdown goes to OUT and to standard output."""
    runs, idle, writers = {}, {}, {}
    for line in open(raw):
        parts = line.split()
        if len(parts) < 3:
            continue
        name, mode = parts[0], parts[1]
        if parts[2] == "IDLE":
            idle[name] = parse_kv(" ".join(parts[2:]))
        elif parts[2] == "WRITER":
            writers[name] = parse_kv(" ".join(parts[2:]))
        else:
            kv = parse_kv(" ".join(parts[3:]))
            kv["urls"] = parts[2]
            runs[(name, mode)] = kv

    def rps(kv):
        return int(kv["requests"]) / (int(kv["duration_us"]) / 1e6)

    def ms(us):
        return f"{int(us) / 1000:.2f} ms"

    def errors(kv):
        return int(kv["non2xx"]) + int(kv["socket_errors"]) + int(kv["timeouts"])

    bases = [rps(runs[("baseline", m)]) for m in ("first", "last") if ("baseline", m) in runs]
    base = sum(bases) / len(bases)
    lines = [f"# liaise list benchmark, {backend}", "", header, "",
             "Baseline (`GET /bench/baseline`, no work): "
             + ", ".join(f"{b:,.0f} req/s" for b in bases)
             + f" (before and after the lists; the percentages use their mean, {base:,.0f}).", "",
             "| list | mode | URLs | req/s | % of baseline | p50 | p99 | errors | requests per URL | target |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    met = {"met": 0, "not met": 0}

    def mark(ok, text):
        met["met" if ok else "not met"] += 1
        return f"{text}: {'met' if ok else '**not met**'}"

    for name, _ in LISTS:
        for mode, label in (("repeat", "one URL repeated"), ("cycle", "cycling distinct URLs"),
                            ("writes", "cycling, 2 writes/s")):
            kv = runs.get((name, mode))
            if kv is None:
                continue
            r, p99, err = rps(kv), int(kv["p99_us"]) / 1000, errors(kv)
            if int(kv["requests"]) == 0:
                # No answer within the run: wrk's latencies are then meaningless.
                p99, err = float("inf"), max(err, 1)
            pct = 100 * r / base
            target = ""
            if mode == "repeat":
                if name.startswith("liaisons-"):
                    target = mark(pct >= 30 and err == 0, "≥ 30% of baseline, no error")
                else:
                    target = mark(err == 0, "no error")
            elif mode == "cycle":
                target = mark(p99 <= 25 and pct >= 5 and err == 0, "p99 ≤ 25 ms, ≥ 5%, no error")
            else:
                w = writers.get(name, {})
                werr = int(w.get("errors", 1))
                err += werr
                target = mark(p99 <= 30 and err == 0, "p99 ≤ 30 ms, no error")
                if w:
                    target += (f" ({w['written']} of {w['scheduled']} writes done, {w['rate']}/s;"
                               f" write p50 {w['write_p50_ms']} ms, max {w['write_max_ms']} ms)")
            per_url = int(kv["requests"]) / max(1, int(kv["urls"]))
            p50_text, p99_text = ((ms(kv["p50_us"]), ms(kv["p99_us"])) if int(kv["requests"])
                                  else ("no answer", "no answer"))
            lines.append(f"| {name} | {label} | {kv['urls']} | {r:,.0f} | {pct:.1f}% | "
                         f"{p50_text} | {p99_text} | {err} | {per_url:,.1f} | {target} |")
    lines += ["", "Idle server, each URL requested once, one after the other (nothing remembered yet):", "",
              "| list | URLs | p50 | p99 | max | errors | target |",
              "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, _ in LISTS:
        kv = idle.get(name)
        if kv is None:
            continue
        ok = float(kv["p50_ms"]) <= 5 and int(kv["errors"]) == 0
        lines.append(f"| {name} | {kv['urls']} | {kv['p50_ms']} ms | {kv['p99_ms']} ms | "
                     f"{kv['max_ms']} ms | {kv['errors']} | {mark(ok, 'p50 ≤ 5 ms')} |")
    lines += ["", f"Targets: {met['met']} met, {met['not met']} not met.", ""]
    text = "\n".join(lines)
    with open(out, "w") as f:
        f.write(text)
    print(text)


def main():
    cmds = {"proposals": cmd_proposals, "setup": cmd_setup, "urls": cmd_urls, "idle": cmd_idle,
            "writer": cmd_writer, "report": cmd_report}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
