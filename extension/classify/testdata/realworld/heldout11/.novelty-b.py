#!/usr/bin/env python3
"""Novelty check for heldout11b. Reads only testdata data files (.http, SOURCES*.md).
Skips heldout11/, heldout11b/ and SOURCES-heldout11*.md (parallel collector, not to be read); heldout10/ (both halves) and SOURCES-heldout10*.md count as earlier data.
Usage: .novelty.py            -> check all files in heldout11b
       .novelty.py URL [URL]  -> check candidate URLs only
"""
import os, re, sys, glob
HERE = os.path.dirname(os.path.abspath(__file__))
TD = os.path.abspath(os.path.join(HERE, '..', '..'))
SKIP_DIRS = {os.path.join(TD, 'realworld', 'heldout11') + os.sep, HERE + os.sep}
URL_RE = re.compile(r'https?://[^\s)>\]`|,]+')

def norm(u):
    u = u.strip().rstrip('.,;:)\'"')
    u = u.split('#')[0].split('?')[0].rstrip('/')
    u = re.sub(r'^https?://(www\.)?', '', u).lower()
    m = re.match(r'github\.com/([^/]+/[^/]+)/(blob|raw|tree)/[^/]+/(.*)', u)
    if m:
        return 'gh:%s:%s' % (m.group(1), m.group(3))
    m = re.match(r'raw\.githubusercontent\.com/([^/]+/[^/]+)/[^/]+/(.*)', u)
    if m:
        return 'gh:%s:%s' % (m.group(1), m.group(2))
    m = re.match(r'github\.com/([^/]+/[^/]+)/(issues|pull|discussions)/(\d+)', u)
    if m:
        return 'gh:%s:%s/%s' % (m.group(1), 'issue' if m.group(2) != 'discussions' else 'disc', m.group(3))
    return u

def body_of(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    # last HTTP status block's body: find first status line after comment header, then body after first blank line
    i = 0
    while i < len(lines) and lines[i].startswith('#'):
        i += 1
    rest = lines[i:]
    try:
        j = rest.index('')
    except ValueError:
        j = len(rest)
    body = '\n'.join(rest[j+1:])
    return re.sub(r'\s+', '', body)

def sources_of(path):
    out = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.startswith('# source:') or line.startswith('# constructed:'):
                out += [norm(u) for u in URL_RE.findall(line)]
            elif not line.startswith('#'):
                break
    return out

old_urls, old_bodies = {}, {}
for root, dirs, files in os.walk(TD):
    if any((os.path.abspath(root) + os.sep).startswith(s) for s in SKIP_DIRS):
        continue
    for fn in files:
        p = os.path.join(root, fn)
        if fn.endswith('.http'):
            for u in sources_of(p):
                old_urls.setdefault(u, p)
            b = body_of(p)
            if b:
                old_bodies.setdefault(b, p)
        elif fn.startswith('SOURCES') and fn.endswith('.md') and not fn.startswith('SOURCES-heldout11'):
            with open(p, encoding='utf-8') as f:
                for u in URL_RE.findall(f.read()):
                    old_urls.setdefault(norm(u), p)

if len(sys.argv) > 1:
    for u in sys.argv[1:]:
        n = norm(u)
        print(('USED  ' + os.path.relpath(old_urls[n], TD)) if n in old_urls else 'new  ', u)
    sys.exit(0)

problems = 0
mine_urls, mine_bodies = {}, {}
files = sorted(glob.glob(os.path.join(HERE, '*.http')))
for p in files:
    fn = os.path.basename(p)
    srcs = sources_of(p)
    if not srcs:
        print('NO SOURCE', fn); problems += 1
    for u in srcs:
        if u in old_urls:
            print('URL REUSED', fn, u, '<-', os.path.relpath(old_urls[u], TD)); problems += 1
        if u in mine_urls:
            print('URL TWICE IN SET', fn, u, '<-', mine_urls[u]); problems += 1
        mine_urls.setdefault(u, fn)
    b = body_of(p)
    if b in old_bodies:
        print('BODY EQUAL', fn, '<-', os.path.relpath(old_bodies[b], TD)); problems += 1
    if b in mine_bodies:
        print('BODY TWICE IN SET', fn, '<-', mine_bodies[b]); problems += 1
    mine_bodies.setdefault(b, fn)
    # header sanity
    with open(p, encoding='utf-8') as f:
        hdr = {}
        for line in f:
            if not line.startswith('#'): break
            k = line[2:].split(':', 1)[0]
            hdr[k] = line
    for k in ('provider', 'family', 'class', 'blame', 'source', 'tricky', 'note'):
        if k not in hdr:
            print('MISSING HEADER', k, fn); problems += 1
print('%d files checked, %d problems (%d earlier URLs, %d earlier bodies)' % (len(files), problems, len(old_urls), len(old_bodies)))
