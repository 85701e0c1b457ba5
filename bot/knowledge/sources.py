"""Every cited URL and the entries that rest on it (`srm sources`), and a link checker for them
(`srm sources --check`): does each page still resolve, and does the section its `#anchor` names still exist?

The checker is for a maintainer's scheduled job with network access; nothing else in srm touches the network.
It uses only the standard library. `rewrite` maps URL prefixes to others (a mirror, or a local server in tests)
while every report still names the URL as cited.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote, urldefrag

from bot.knowledge.model import KnowledgeBase, Provenance

USER_AGENT = "srm-sources-check/1 (+https://github.com/; knowledge-base link checker)"
MAX_BYTES = 8 * 1024 * 1024  # AWS guide pages are well under this; an anchor past it counts as lost


@dataclass(frozen=True)
class Citation:
    kind: str  # category | duty | service | override | scenario
    id: str
    service: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "override":
            return f"override {self.service}/{self.id}"
        return f"{self.kind} {self.id}"

    def to_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "id": self.id, "service": self.service}


def _entries(kb: KnowledgeBase) -> Iterator[tuple[Citation, Provenance]]:
    for c in kb.categories.values():
        yield Citation("category", c.id), c.provenance
    for d in kb.duties.values():
        yield Citation("duty", d.id), d.provenance
    for s in kb.services.values():
        yield Citation("service", s.id, s.id), s.provenance
        for o in s.overrides.values():
            yield Citation("override", o.duty, s.id), o.provenance
    for sc in kb.scenarios.values():
        yield Citation("scenario", sc.id, sc.services[0] if sc.services else None), sc.provenance


def cited(kb: KnowledgeBase) -> dict[str, tuple[Citation, ...]]:
    """URL (as cited, anchor included) → the entries that cite it, URLs sorted."""
    by_url: dict[str, list[Citation]] = {}
    for citation, prov in _entries(kb):
        for url in dict.fromkeys(prov.sources):
            by_url.setdefault(url, []).append(citation)
    return {url: tuple(by_url[url]) for url in sorted(by_url)}


def per_page(kb: KnowledgeBase) -> dict[str, int]:
    """Page (URL without its anchor) → how many entries rest on it, most cited first."""
    counts: dict[str, set[Citation]] = {}
    for url, citations in cited(kb).items():
        counts.setdefault(urldefrag(url).url, set()).update(citations)
    return dict(sorted(((p, len(c)) for p, c in counts.items()), key=lambda kv: (-kv[1], kv[0])))


# --- checking -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checked:
    url: str  # as cited
    ok: bool
    status: int | None  # final HTTP status, None when the connection failed
    reason: str  # "" when ok
    fetched: str = ""  # the URL actually requested, when a rewrite applied
    final_url: str = ""  # after redirects

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "ok": self.ok, "status": self.status, "reason": self.reason,
                "final_url": self.final_url or None}


@dataclass
class _Page:
    status: int | None
    error: str = ""
    body: str | None = None  # only fetched when an anchor needs looking up
    final_url: str = ""
    anchors: set[str] = field(default_factory=set)


def rewritten(url: str, rewrite: Mapping[str, str]) -> str:
    for prefix, target in rewrite.items():
        if url.startswith(prefix):
            return target + url[len(prefix):]
    return url


_ANCHOR = re.compile(r"""(?<=\s)(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def anchors_in(html: str) -> set[str]:
    """Every id= and name= attribute value in a page: the targets a `#fragment` can point at."""
    return {unescape(next(g for g in m.groups() if g is not None)) for m in _ANCHOR.finditer(html)}


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # throttled or briefly down: ask once more, later
RETRY_DELAY = 2.0


def _request(url: str, method: str, timeout: float) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"})
    for attempt in (1, 2):
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # follows redirects
                body = resp.read(MAX_BYTES) if method == "GET" else b""
                return resp.status, resp.geturl(), body
        except urllib.error.HTTPError as exc:
            if attempt == 2 or exc.code not in RETRY_STATUSES:
                raise
            exc.close()
            time.sleep(RETRY_DELAY)
    raise AssertionError("unreachable")


def _fetch(url: str, need_body: bool, timeout: float) -> _Page:
    """HEAD when only the status matters (GET if the server refuses HEAD), GET when anchors are needed."""
    methods = ("GET",) if need_body else ("HEAD", "GET")
    page = _Page(status=None)
    for method in methods:
        try:
            status, final, body = _request(url, method, timeout)
        except urllib.error.HTTPError as exc:
            page = _Page(status=exc.code, error=f"HTTP {exc.code} {exc.reason}", final_url=exc.url or url)
            if exc.code in (404, 410):
                return page  # gone whichever method asks
            continue
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            page = _Page(status=None, error=f"connection error: {reason}")
            continue
        page = _Page(status=status, final_url=final)
        if method == "GET":
            page.body = body.decode("utf-8", "replace")
            page.anchors = anchors_in(page.body)
        return page
    return page


def check(urls: Iterable[str], *, timeout: float = 15.0, concurrency: int = 8,
          rewrite: Mapping[str, str] | None = None,
          fetch: Callable[[str, bool, float], _Page] = _fetch) -> list[Checked]:
    """Fetch each distinct page once (concurrently) and judge every cited URL on it: the page must answer
    2xx/3xx after redirects, and a `#fragment` must name an id= or name= in the page."""
    rewrite = rewrite or {}
    urls = list(dict.fromkeys(urls))
    pages: dict[str, bool] = {}  # page URL to fetch → whether any citation needs its body
    for url in urls:
        page, frag = urldefrag(rewritten(url, rewrite))
        pages[page] = pages.get(page, False) or bool(frag)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        fetched = dict(zip(pages, pool.map(lambda p: fetch(p, pages[p], timeout), pages), strict=True))
    out: list[Checked] = []
    for url in urls:
        target = rewritten(url, rewrite)
        page_url, frag = urldefrag(target)
        page = fetched[page_url]
        shown = target if target != url else ""
        if page.error or page.status is None or page.status >= 400:
            out.append(Checked(url, False, page.status, page.error or f"HTTP {page.status}", shown, page.final_url))
        elif frag and unquote(frag) not in page.anchors and frag not in page.anchors:
            out.append(Checked(url, False, page.status, f"anchor #{frag} not found in the page", shown,
                               page.final_url))
        else:
            out.append(Checked(url, True, page.status, "", shown, page.final_url))
    return out


def parse_rewrites(specs: Iterable[str]) -> dict[str, str]:
    """['https://docs.aws.amazon.com=http://127.0.0.1:8000/docs'] → {prefix: replacement}."""
    out: dict[str, str] = {}
    for spec in specs:
        prefix, sep, target = spec.partition("=")
        if not sep or not prefix or not target:
            raise ValueError(f"expected FROM=TO, got {spec!r}")
        out[prefix] = target
    return out
