"""`srm sources`: every cited URL and what rests on it; `--check` against a local server of saved pages
(127.0.0.1 only — no test touches the network)."""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from bot.cli import main
from bot.knowledge import sources
from bot.knowledge.loader import load
from tests.conftest import FIXTURES

SITE = FIXTURES / "sources_site"
MAINTENANCE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Maintenance.html"
EC2 = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security.html"
S3 = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security.html"
MOVED = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.html"
DATA_CENTER = "https://aws.amazon.com/compliance/data-center/controls/"


class _Saved(SimpleHTTPRequestHandler):
    """Serves the saved pages; 301 for moved ones; refuses HEAD on the data-center page (GET must follow)."""

    redirects: ClassVar[dict[str, str]] = {}

    def _moved(self) -> bool:
        target = self.redirects.get(self.path)
        if target is None:
            return False
        self.send_response(301)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def do_HEAD(self) -> None:
        if self.path.startswith("/aws.amazon.com/compliance/data-center/"):
            self.send_error(405)
        elif not self._moved():
            super().do_HEAD()

    def do_GET(self) -> None:
        if not self._moved():
            super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    _Saved.redirects = dict(line.split() for line in (SITE / "redirects.txt").read_text().splitlines() if line)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Saved, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def kbdir(tmp_path: Path) -> Path:
    """The mini knowledge base, citing one section that exists and one that was renamed away."""
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "mini_kb", target)
    path = target / "kb.yaml"
    text = path.read_text()
    text = text.replace(f'["{MAINTENANCE}"]', f'["{MAINTENANCE}#Mandatory_OS_Updates"]')
    tail = ("\n    evidence: The cited section states this entry's split (test fixture).\n    reviewed: 2026-11-01\n"
            "  - id: resource")
    text = text.replace(f'sources: ["{EC2}"]{tail}', f'sources: ["{EC2}#lost-section"]{tail}')
    path.write_text(text)
    return target


def rewrites(base: str) -> list[str]:
    return [f"--rewrite=https://docs.aws.amazon.com={base}/docs.aws.amazon.com",
            f"--rewrite=https://aws.amazon.com={base}/aws.amazon.com"]


def test_every_cited_url_lists_the_entries_resting_on_it(kbdir: Path) -> None:
    by_url = sources.cited(load(kbdir))
    assert [c.label for c in by_url[f"{MAINTENANCE}#Mandatory_OS_Updates"]] == ["override rds/guest-os-patching"]
    assert [c.label for c in by_url["https://aws.amazon.com/compliance/shared-responsibility-model/"]] == [
        "category infrastructure", "category container", "category abstracted"]
    assert [c.label for c in by_url[f"{EC2}#lost-section"]] == ["duty guest-os-patching"]
    assert [c.label for c in by_url[EC2]] == ["service ec2"]
    assert list(by_url) == sorted(by_url)
    pages = sources.per_page(load(kbdir))
    assert pages[EC2] == 2 and next(iter(pages)) == "https://aws.amazon.com/compliance/shared-responsibility-model/"


def test_srm_sources_prints_urls_and_entries(kbdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(kbdir), "sources"]) == 0
    out = capsys.readouterr().out
    assert f"{MAINTENANCE}#Mandatory_OS_Updates  (1)\n    override rds/guest-os-patching\n" in out
    assert out.rstrip().endswith("8 cited URLs on 7 pages")
    assert main(["--knowledge", str(kbdir), "sources", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = next(r for r in data if r["url"] == S3)
    assert row["entries"] == [{"kind": "service", "id": "s3", "service": "s3"}]


def test_check_reports_a_removed_page_and_a_lost_anchor(kbdir: Path, site: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--knowledge", str(kbdir), "sources", "--check", "--timeout", "5", "--concurrency", "4",
                 *rewrites(site)])
    out = capsys.readouterr().out
    fails = [line for line in out.splitlines() if line.startswith("FAIL ")]
    assert code == 1 and len(fails) == 2, out
    assert f"FAIL {S3}: HTTP 404" in out and "(cited by service s3)" in out
    assert f"FAIL {EC2}#lost-section: anchor #lost-section not found in the page (cited by duty guest-os-patching)" \
        in out
    assert out.rstrip().endswith("checked 8 cited URLs: 2 failed")


def test_check_follows_redirects_and_falls_back_to_get(kbdir: Path, site: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(kbdir), "sources", "--check", "--json", *rewrites(site)]) == 1
    results = {r["url"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    moved = results[MOVED]
    assert moved["ok"] and moved["final_url"].endswith("/AmazonRDS/latest/UserGuide/security.html")
    assert results[DATA_CENTER]["ok"]  # HEAD refused with 405, GET answered
    assert results[f"{MAINTENANCE}#Mandatory_OS_Updates"]["ok"]
    assert (results[S3]["ok"], results[S3]["status"]) == (False, 404)
    assert results[S3]["entries"] == [{"kind": "service", "id": "s3", "service": "s3"}]


def test_an_all_good_knowledge_base_exits_zero(kbdir: Path, site: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = kbdir / "kb.yaml"
    path.write_text(path.read_text().replace(f"{EC2}#lost-section", f"{EC2}#security-in-the-cloud")
                    .replace(S3, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                             "access-control-block-public-access.html#access-control-block-public-access-options"))
    assert main(["--knowledge", str(kbdir), "sources", "--check", *rewrites(site)]) == 0
    assert capsys.readouterr().out.strip() == "checked 8 cited URLs: 0 failed"


def test_a_connection_error_is_a_failure() -> None:
    [r] = sources.check(["http://127.0.0.1:9/nothing-listens-here"], timeout=2)
    assert not r.ok and r.status is None and r.reason.startswith("connection error")


def test_anchors_are_id_and_name_attributes_only() -> None:
    html = """<h2 id="a">x</h2><a name='b'></a><div id=c data-id="d">id="e" in text</div>"""
    assert sources.anchors_in(html) == {"a", "b", "c"}


def test_a_bad_rewrite_is_a_usage_error(kbdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(kbdir), "sources", "--check", "--rewrite", "nothing"]) == 2
    assert "FROM=TO" in capsys.readouterr().err


def test_a_throttled_page_is_asked_once_more(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Throttling(SimpleHTTPRequestHandler):
        def do_HEAD(self) -> None:
            calls.append(self.path)
            self.send_response(429 if len(calls) == 1 else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    monkeypatch.setattr(sources, "RETRY_DELAY", 0.01)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Throttling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        [r] = sources.check([f"http://127.0.0.1:{server.server_address[1]}/page.html"], timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert r.ok and calls == ["/page.html", "/page.html"]
