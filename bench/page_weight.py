"""Weight of the public chat page as a phone downloads it (target: under 150 KB gzipped).

Starts the real web server (`python -m bot.web`) on a free port, fetches `/`
and every script, stylesheet and icon it references, each with
`Accept-Encoding: gzip`, and adds up the bytes on the wire. axe-core is not part
of the page (tests inject it), so it is not counted.

`python -m bench.page_weight` prints a table; `run()` returns the numbers.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import urllib.request
from urllib.parse import urljoin, urlsplit

from bot.ports import free_port, wait_http
from bot.settings import REPO_ROOT

BUDGET_BYTES = 150 * 1024
ASSET_RE = re.compile(r"<(?:script[^>]*\bsrc|link[^>]*\bhref)=\"([^\"]+)\"", re.I)


def _fetch(url: str) -> tuple[bytes, dict[str, str]]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # urllib does not decompress
        return resp.read(), {k.lower(): v for k, v in resp.headers.items()}


def _raw(body: bytes, headers: dict[str, str]) -> bytes:
    return gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body


def measure(base_url: str) -> dict:
    page_url = base_url.rstrip("/") + "/"
    body, headers = _fetch(page_url)
    html = _raw(body, headers).decode("utf-8")
    rows = [
        {"url": "/", "wire": len(body), "raw": len(html.encode()), "gzip": headers.get("content-encoding") == "gzip"}
    ]
    foreign = []
    for ref in dict.fromkeys(ASSET_RE.findall(html)):
        url = urljoin(page_url, ref)
        if urlsplit(url).netloc != urlsplit(page_url).netloc:
            foreign.append(ref)
            continue
        body, headers = _fetch(url)
        rows.append(
            {
                "url": urlsplit(url).path,
                "wire": len(body),
                "raw": len(_raw(body, headers)),
                "gzip": headers.get("content-encoding") == "gzip",
            }
        )
    total = sum(r["wire"] for r in rows)
    return {
        "page_weight_gzip_bytes": total,
        "page_weight_raw_bytes": sum(r["raw"] for r in rows),
        "budget_bytes": BUDGET_BYTES,
        "within_budget": total < BUDGET_BYTES and not foreign,
        "requests": len(rows),
        "foreign_references": foreign,
        "assets": rows,
    }


def run() -> dict:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", 60, proc)
        return measure(f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    result = run()
    print(f"{'asset':<36} {'on the wire':>12} {'uncompressed':>13}")
    for row in result["assets"]:
        print(f"{row['url']:<36} {row['wire']:>12,} {row['raw']:>13,}")
    print(f"{'total':<36} {result['page_weight_gzip_bytes']:>12,} {result['page_weight_raw_bytes']:>13,}")
    verdict = "OK" if result["within_budget"] else "OVER BUDGET"
    print(f"budget {result['budget_bytes']:,} bytes gzipped: {verdict}")
    if result["foreign_references"]:
        print("references to other hosts:", ", ".join(result["foreign_references"]))


if __name__ == "__main__":
    main()
