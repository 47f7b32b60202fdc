# SPDX-License-Identifier: BSD-3-Clause
"""Files out of a wheel on the package index, fetched with HTTP range
requests: the zip's central directory, then only the members wanted, never
the whole wheel (a torch wheel is 0.5 to 0.9 GB; its libc10.so is 1 MB).

Integrity. A sha256 of the whole wheel cannot be checked without the whole
wheel, so a WheelPin pins
  - the wheel: its file name, its size (the server's Content-Range must say
    it) and the sha256 the index lists for it (the listing must say it: the
    index still serves the very file that was pinned);
  - each file taken out of it: its own sha256 (a file), or the sha256 of a
    directory's manifest: the lines "<sha256>  <path>\\n" of every file under
    it, sorted by path, i.e. what
        find DIR -type f | LC_ALL=C sort | xargs sha256sum | sha256sum
    prints in the extraction directory;
  - and zipfile checks every member's CRC-32 as it is read.
Anything that differs fails with FetchError, naming what and where.

The index is pip's: PIP_INDEX_URL, else pip's configuration (pip config
list), else pip's default. Its simple API (PEP 691 JSON, or PEP 503 HTML)
lists each file's URL, sha256 and (JSON) size. No host name is written here.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Callable, Dict, Iterable, List, Optional, Tuple

_TIMEOUT = 120
_ATTEMPTS = 3
_MIN_FETCH = 256 * 1024  # a read the prefetch did not cover fetches at least this much
_GAP = 1024 * 1024  # member spans closer than this are fetched in one request


class FetchError(Exception):
    """A download failed or what it brought differs from the pin."""


@dataclass(frozen=True)
class WheelPin:
    """One wheel on the index and the files taken out of it (module doc)."""

    project: str
    filename: str
    size: int
    sha256: str
    files: Tuple[Tuple[str, str], ...]  # (member path, or "dir/"; its sha256)


@dataclass(frozen=True)
class Listed:
    """A file as the index lists it."""

    url: str
    sha256: Optional[str]
    size: Optional[int]


# ------------------------------------------------------------------ the index


@functools.lru_cache(maxsize=None)
def index_url() -> str:
    """pip's index URL: PIP_INDEX_URL, pip's configuration, or pip's default."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"].split()[0]
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    found = None
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith(".index-url"):
            found = value.strip().strip("'\"")
    if found:
        return found
    from pip._internal.models.index import PyPI  # pip's default, from pip itself

    return str(PyPI.simple_url)


@functools.lru_cache(maxsize=None)
def _pip_cert() -> Optional[str]:
    if os.environ.get("PIP_CERT"):
        return os.environ["PIP_CERT"]
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith(".cert"):
            return value.strip().strip("'\"")
    return None


_ssl_context: Optional[ssl.SSLContext] = None


def _context() -> ssl.SSLContext:
    global _ssl_context
    if _ssl_context is None:
        _ssl_context = ssl.create_default_context(cafile=_pip_cert())
    return _ssl_context


def _open(url: str, headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
    """GET with retries; (status, headers, body). FetchError after the last try."""
    last: Exception = FetchError("no attempt")
    for attempt in range(_ATTEMPTS):
        try:
            req = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(req, timeout=_TIMEOUT, context=_context()) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except (urllib.error.URLError, OSError) as e:
            if isinstance(e, urllib.error.HTTPError) and e.code in (401, 403, 404, 410, 416):
                raise FetchError(f"GET {_shown(url)}: HTTP {e.code} {e.reason}") from None
            last = e
            time.sleep(2 * (attempt + 1))
    raise FetchError(f"GET {_shown(url)}: {last} (after {_ATTEMPTS} attempts)")


class _Anchors(HTMLParser):
    """The <a href> of a PEP 503 page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


_pages: Dict[str, Dict[str, Listed]] = {}


def listing(project: str) -> Dict[str, Listed]:
    """file name -> Listed, from the index's page for `project` (one request)."""
    if project in _pages:
        return _pages[project]
    base = index_url().rstrip("/") + "/"
    page = urllib.parse.urljoin(base, project.lower().replace("_", "-") + "/")
    accept = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
    _, headers, body = _open(page, {"Accept": accept})
    files: Dict[str, Listed] = {}
    if "json" in headers.get("content-type", ""):
        for f in json.loads(body)["files"]:
            files[f["filename"]] = Listed(urllib.parse.urljoin(page, f["url"]), f.get("hashes", {}).get("sha256"),
                                          f.get("size"))
    else:
        parser = _Anchors()
        parser.feed(body.decode("utf-8", "replace"))
        for href in parser.hrefs:
            url, _, frag = urllib.parse.urljoin(page, href).partition("#")
            name = urllib.parse.unquote(url.rsplit("/", 1)[-1])
            digest = frag[len("sha256="):] if frag.startswith("sha256=") else None
            files[name] = Listed(url, digest, None)
    _pages[project] = files
    return files


def _shown(url: str) -> str:
    """url without the credentials an index URL may carry."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def locate(pin: WheelPin) -> Listed:
    """The pinned wheel's URL, once the index's listing agrees with the pin."""
    listed = listing(pin.project).get(pin.filename)
    where = f"{_shown(index_url())} ({pin.project})"
    if listed is None:
        raise FetchError(f"{pin.filename} is not listed by the index {where}")
    if listed.sha256 is not None and listed.sha256 != pin.sha256:
        raise FetchError(f"the index {where} lists {pin.filename} with sha256 {listed.sha256}; pinned {pin.sha256}")
    if listed.size is not None and listed.size != pin.size:
        raise FetchError(f"the index {where} lists {pin.filename} with {listed.size} bytes; pinned {pin.size}")
    return listed


# ------------------------------------------------------------ range requests


class RemoteFile(io.RawIOBase):
    """A read-only, seekable view of a URL, read with HTTP range requests and
    kept in memory span by span (prefetch() fetches many reads at once)."""

    def __init__(self, url: str, size: int) -> None:
        super().__init__()
        self.url, self.size, self.pos = url, size, 0
        self.spans: List[Tuple[int, bytes]] = []
        self.fetched = 0  # bytes downloaded
        self.requests = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, b: "bytearray | memoryview") -> int:  # type: ignore[override]
        n = max(0, min(len(b), self.size - self.pos))
        if n == 0:
            return 0
        data = self._cached(self.pos, n)
        if data is None:
            self._fetch(self.pos, min(self.size, self.pos + max(n, _MIN_FETCH)))
            data = self._cached(self.pos, n)
            assert data is not None
        b[:n] = data
        self.pos += n
        return n

    def prefetch(self, spans: Iterable[Tuple[int, int]]) -> None:
        """Fetch [start, end) spans, neighbours less than _GAP apart in one request."""
        merged: List[List[int]] = []
        for start, end in sorted(spans):
            if merged and start - merged[-1][1] < _GAP:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            self._fetch(start, min(end, self.size))

    def _cached(self, start: int, n: int) -> Optional[bytes]:
        for s, data in self.spans:
            if s <= start and start + n <= s + len(data):
                return data[start - s:start - s + n]
        return None

    def _fetch(self, start: int, end: int) -> None:
        status, headers, body = _open(self.url, {"Range": f"bytes={start}-{end - 1}"})
        total = headers.get("content-range", "").rpartition("/")[2]
        if status != 206 or len(body) != end - start:
            raise FetchError(f"{self.url}: asked bytes {start}-{end - 1}, got HTTP {status} with {len(body)} "
                             "bytes (the server must answer range requests)")
        if total != str(self.size):
            raise FetchError(f"{self.url}: the server says the file has {total} bytes; pinned {self.size}")
        self.spans.append((start, body))
        self.fetched += len(body)
        self.requests += 1


# ------------------------------------------------------------ the members


def _wanted(names: Iterable[str], pin: WheelPin) -> List[str]:
    keys = [k for k, _ in pin.files]
    return [n for n in names if not n.endswith("/") and any(n == k or (k.endswith("/") and n.startswith(k))
                                                            for k in keys)]


def _spans(z: zipfile.ZipFile, wanted: List[str]) -> List[Tuple[int, int]]:
    """[local header, next member's local header) of each wanted member."""
    infos = sorted(z.infolist(), key=lambda i: i.header_offset)
    ends = {i.filename: (infos[k + 1].header_offset if k + 1 < len(infos) else i.header_offset + 30
                         + len(i.filename.encode()) + len(i.extra) + i.compress_size + 1024)
            for k, i in enumerate(infos)}
    return [(z.getinfo(n).header_offset, ends[n]) for n in wanted]


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest(root: str, key: str) -> Optional[str]:
    """The sha256 of root/key: of the file, or of the directory's manifest
    (module doc); None when it is not there."""
    path = os.path.join(root, key)
    if not key.endswith("/"):
        return sha256_file(path) if os.path.isfile(path) else None
    if not os.path.isdir(path):
        return None
    lines = []
    for d, _, files in os.walk(path):
        for f in files:
            full = os.path.join(d, f)
            lines.append((os.path.relpath(full, root).replace(os.sep, "/"), sha256_file(full)))
    manifest = "".join(f"{h}  {p}\n" for p, h in sorted(lines))
    return hashlib.sha256(manifest.encode()).hexdigest()


def mismatches(pin: WheelPin, root: str) -> List[str]:
    """What in root differs from the pin (empty: all there and equal)."""
    bad = []
    for key, want in pin.files:
        got = digest(root, key)
        if got != want:
            bad.append(f"{key}: {'missing' if got is None else 'sha256 ' + got}, pinned {want}")
    return bad


def _fetch_members(url: str, pin: WheelPin, tmp: str) -> Tuple[RemoteFile, int]:
    """The members the pin names, written under tmp (CRC-32 checked, digests
    not yet); (the remote file, how many members)."""
    remote = RemoteFile(url, pin.size)
    try:
        z = zipfile.ZipFile(remote)
    except zipfile.BadZipFile as e:
        raise FetchError(f"{pin.filename}: not a zip file ({e})") from None
    wanted = _wanted(z.namelist(), pin)
    missing = [k for k, _ in pin.files if not any(n == k or n.startswith(k) for n in wanted)]
    if missing:
        raise FetchError(f"{pin.filename} has no {', '.join(missing)}")
    remote.prefetch(_spans(z, wanted))
    for name in wanted:
        out = os.path.join(tmp, *name.split("/"))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        try:
            with z.open(name) as src, open(out, "wb") as f:
                shutil.copyfileobj(src, f)
        except zipfile.BadZipFile as e:  # a CRC-32 that differs
            raise FetchError(f"{pin.filename}: {name}: {e}") from None
    return remote, len(wanted)


def extract(pin: WheelPin, dest: str, log: Callable[[str], None] = print) -> Tuple[int, int]:
    """Fetch the pinned files of the wheel into dest (made fresh or added to),
    check them against the pin, and return (bytes downloaded, requests)."""
    listed = locate(pin)
    os.makedirs(dest, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".extract-", dir=dest)
    try:
        remote, count = _fetch_members(listed.url, pin, tmp)
        bad = mismatches(pin, tmp)
        if bad:
            raise FetchError(f"{pin.filename}: " + "; ".join(bad))
        _move_into(tmp, dest, [k for k, _ in pin.files])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"{pin.filename}: {count} files, {remote.fetched} bytes in {remote.requests} range requests "
        f"(the wheel: {pin.size} bytes)")
    return remote.fetched, remote.requests


def _move_into(tmp: str, dest: str, keys: List[str]) -> None:
    """Replace dest's copy of every pinned file or directory with tmp's."""
    for key in keys:
        rel = key.rstrip("/")
        target = os.path.join(dest, rel)
        if os.path.isdir(target):
            shutil.rmtree(target)
        elif os.path.exists(target):
            os.remove(target)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(os.path.join(tmp, rel), target)


def ensure(pin: WheelPin, dest: str, log: Callable[[str], None] = print) -> bool:
    """dest holds the pinned files, checked against their sha256 now; fetched
    when missing or different. True when something was fetched."""
    if not mismatches(pin, dest):
        return False
    extract(pin, dest, log)
    return True


def pin_for(project: str, filename: str, keys: List[str]) -> WheelPin:
    """A new pin: the index's listing and the digests of the files as fetched
    now (for a maintainer adding a version: torch_cache.py pin)."""
    listed = listing(project).get(filename)
    if listed is None or listed.sha256 is None:
        raise FetchError(f"{filename}: not listed by {_shown(index_url())} with a sha256")
    size = listed.size
    if size is None:
        _, headers, _ = _open(listed.url, {"Range": "bytes=0-0"})
        size = int(headers["content-range"].rpartition("/")[2])
    draft = WheelPin(project, filename, size, listed.sha256, tuple((k, "") for k in keys))
    tmp = tempfile.mkdtemp(prefix="hptls-pin-")
    try:
        _fetch_members(listed.url, draft, tmp)
        files = tuple((k, digest(tmp, k) or "") for k in keys)
        return WheelPin(project, filename, size, listed.sha256, files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
