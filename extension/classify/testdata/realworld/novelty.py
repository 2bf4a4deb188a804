#!/usr/bin/env python3
"""Novelty check for a held-out set, shared by every collector from heldout12 on.

Reads only testdata data files (.http and SOURCES*.md). Flags, for each .http file in SET:
a source URL (normalised: GitHub blob/raw URLs compared by repository + path across commits,
issue/PR URLs by number, fragments and queries dropped) already cited by an earlier .http file
or SOURCES*.md; a body equal, after removing all whitespace, to an earlier body or to another
body in SET (empty bodies are not compared); a missing header key or status line.

Earlier data is everything under testdata/ except SET itself, each --hide folder (a parallel
collector's half, which must not be read) and the SOURCES files naming SET or a hidden folder.

Usage: novelty.py SET [--hide DIR ...]             check every file in realworld/SET
       novelty.py SET [--hide DIR ...] --urls U... check candidate URLs only
"""
import argparse, glob, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
TD = os.path.abspath(os.path.join(HERE, '..'))
URL_RE = re.compile(r'https?://[^\s)|`>\]"\']+')
NEED = ['provider', 'family', 'class', 'blame', 'source', 'tricky', 'note']


def norm(u):
    u = u.strip().rstrip('.,;:').split('#')[0]
    u = re.sub(r'^https?://(www\.)?', '', u).rstrip('/').lower()
    for pat in (r'github\.com/([^/]+)/([^/]+)/(?:blob|tree|raw)/[^/]+/(.*)',
                r'raw\.githubusercontent\.com/([^/]+)/([^/]+)/[^/]+/(.*)'):
        m = re.match(pat, u)
        if m:
            return 'gh:%s/%s/%s' % m.groups()
    m = re.match(r'github\.com/([^/]+)/([^/]+)/(issues|pull|discussions)/(\d+)', u)
    if m:
        return 'gh:%s/%s/%s/%s' % m.groups()
    return u.split('?')[0]


def parse(path):
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    hdr, i = {}, 0
    while i < len(lines) and lines[i].startswith('#'):
        k, _, v = lines[i][1:].partition(':')
        hdr[k.strip()] = v.strip()
        i += 1
    rest = lines[i:]
    j = 0
    while j < len(rest) and rest[j].strip() != '':
        j += 1
    return hdr, rest, '\n'.join(rest[j + 1:])


def strip(s):
    return re.sub(r'\s+', '', s)


def earlier(hidden):
    urls, bodies = {}, {}
    for p in glob.glob(os.path.join(TD, '**', '*'), recursive=True):
        rel = os.path.relpath(p, TD)
        if os.path.isdir(p) or any(x in hidden for x in rel.split(os.sep)):
            continue
        base = os.path.basename(p)
        if p.endswith('.http'):
            hdr, _, body = parse(p)
            for u in URL_RE.findall(hdr.get('source', '')):
                urls.setdefault(norm(u), rel)
            if strip(body):
                bodies.setdefault(strip(body), rel)
        elif base.startswith('SOURCES') and base.endswith('.md') and \
                not any(base == 'SOURCES-%s.md' % h for h in hidden):
            for u in URL_RE.findall(open(p, encoding='utf-8', errors='replace').read()):
                urls.setdefault(norm(u), rel)
    return urls, bodies


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('set')
    ap.add_argument('--hide', nargs='*', default=[])
    ap.add_argument('--urls', nargs='*')
    a = ap.parse_args()
    hidden = {a.set, *a.hide}
    old_urls, old_bodies = earlier(hidden)
    if a.urls:
        for u in a.urls:
            print(('USED ' + old_urls[norm(u)]) if norm(u) in old_urls else 'new', u)
        return
    probs, n, seen_u, seen_b = 0, 0, {}, {}
    for p in sorted(glob.glob(os.path.join(HERE, a.set, '*.http'))):
        n += 1
        f = os.path.basename(p)
        hdr, rest, body = parse(p)
        for k in NEED:
            if k not in hdr:
                print(f'{f}: missing # {k}:'); probs += 1
        if not rest or not rest[0].startswith('HTTP/'):
            print(f'{f}: first line after headers is not a status line'); probs += 1
        srcs = URL_RE.findall(hdr.get('source', ''))
        if not srcs:
            print(f'{f}: no source URL'); probs += 1
        for u in srcs:
            nu = norm(u)
            if nu in old_urls:
                print(f'{f}: source reused from {old_urls[nu]}: {u}'); probs += 1
            if nu in seen_u:
                print(f'{f}: source also used by {seen_u[nu]} in this set'); probs += 1
            seen_u.setdefault(nu, f)
        sb = strip(body)
        if sb in old_bodies:
            print(f'{f}: body equals {old_bodies[sb]}'); probs += 1
        if sb and sb in seen_b:
            print(f'{f}: body equals {seen_b[sb]} in this set'); probs += 1
        if sb:
            seen_b.setdefault(sb, f)
    print(f'{n} files checked, {probs} problems ({len(old_urls)} earlier URLs, {len(old_bodies)} earlier bodies)')


if __name__ == '__main__':
    main()
