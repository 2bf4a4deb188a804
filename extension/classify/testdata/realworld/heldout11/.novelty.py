#!/usr/bin/env python3
"""Novelty check for heldout11: reads only testdata data files (.http and SOURCES*.md).
Flags: a source URL (normalised; GitHub blob/raw URLs compared by repo+path, fragments dropped)
already cited in corpus/, realworld/train, heldout, heldout2..heldout10 (both halves) or SOURCES*.md except SOURCES-heldout11*; a body equal
(after removing all whitespace) to an earlier body or to another body in heldout11; missing header keys.
Empty bodies (headers-only captures) are not compared, within the set as for earlier bodies."""
import os, re, sys, glob
HERE = os.path.dirname(os.path.abspath(__file__))
TD = os.path.abspath(os.path.join(HERE, '..', '..'))
SKIP = {'heldout11', 'heldout11b'}
URL_RE = re.compile(r'https?://[^\s)|`>\]"\']+')

def norm(u):
    u = u.strip().rstrip('.,;:')
    u = u.split('#')[0]
    u = re.sub(r'^https?://(www\.)?', '', u).rstrip('/').lower()
    m = re.match(r'github\.com/([^/]+)/([^/]+)/(?:blob|tree|raw)/[^/]+/(.*)', u)
    if m: return 'gh:%s/%s/%s' % m.groups()
    m = re.match(r'raw\.githubusercontent\.com/([^/]+)/([^/]+)/[^/]+/(.*)', u)
    if m: return 'gh:%s/%s/%s' % m.groups()
    m = re.match(r'github\.com/([^/]+)/([^/]+)/(issues|pull|discussions)/(\d+)', u)
    if m: return 'gh:%s/%s/%s/%s' % m.groups()
    return u.split('?')[0]

def parse(path):
    txt = open(path, encoding='utf-8', errors='replace').read()
    lines = txt.split('\n')
    hdr = {}; i = 0
    while i < len(lines) and lines[i].startswith('#'):
        k, _, v = lines[i][1:].partition(':'); hdr[k.strip()] = v.strip(); i += 1
    rest = lines[i:]
    # body = after the first blank line following the status line and headers
    j = 0
    while j < len(rest) and rest[j].strip() != '': j += 1
    # multi-status dumps: the body is what follows the last header block
    body = '\n'.join(rest[j+1:])
    return hdr, rest, body

def strip(s): return re.sub(r'\s+', '', s)

old_urls = {}; old_bodies = {}
for p in glob.glob(os.path.join(TD, '**', '*'), recursive=True):
    rel = os.path.relpath(p, TD)
    parts = rel.split(os.sep)
    if any(x in SKIP for x in parts) or os.path.isdir(p): continue
    base = os.path.basename(p)
    if p.endswith('.http'):
        hdr, rest, body = parse(p)
        for u in URL_RE.findall(hdr.get('source', '')): old_urls.setdefault(norm(u), rel)
        sb = strip(body)
        if sb: old_bodies.setdefault(sb, rel)
    elif base.startswith('SOURCES') and base.endswith('.md') and 'heldout11' not in base:
        for u in URL_RE.findall(open(p, encoding='utf-8', errors='replace').read()):
            old_urls.setdefault(norm(u), rel)

if len(sys.argv) > 1:
    for u in sys.argv[1:]:
        print(('USED ' + old_urls[norm(u)]) if norm(u) in old_urls else 'new', u)
    sys.exit(0)
probs = 0; seen_b = {}; seen_u = {}; n = 0
need = ['provider', 'family', 'class', 'blame', 'source', 'tricky', 'note']
for p in sorted(glob.glob(os.path.join(HERE, '*.http'))):
    n += 1; f = os.path.basename(p)
    hdr, rest, body = parse(p)
    for k in need:
        if k not in hdr: print(f'{f}: missing # {k}:'); probs += 1
    if not rest or not rest[0].startswith('HTTP/'): print(f'{f}: first line after headers is not a status line'); probs += 1
    urls = URL_RE.findall(hdr.get('source', ''))
    if not urls: print(f'{f}: no source URL'); probs += 1
    for u in urls:
        nu = norm(u)
        if nu in old_urls: print(f'{f}: source reused from {old_urls[nu]}: {u}'); probs += 1
        if nu in seen_u: print(f'{f}: source also used by {seen_u[nu]} in this set'); probs += 1
        seen_u.setdefault(nu, f)
    sb = strip(body)
    if sb in old_bodies: print(f'{f}: body equals {old_bodies[sb]}'); probs += 1
    if sb and sb in seen_b: print(f'{f}: body equals {seen_b[sb]} in this set'); probs += 1
    if sb: seen_b.setdefault(sb, f)
print(f'{n} files checked, {probs} problems ({len(old_urls)} earlier URLs, {len(old_bodies)} earlier bodies)')
