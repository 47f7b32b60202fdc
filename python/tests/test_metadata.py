"""What the installed distribution says about itself: its licence."""

from __future__ import annotations

from importlib import metadata

from conftest import REPO_ROOT

DIST = "hermetic_pyobject_tls"


def test_licence_is_bsd_3_clause_in_the_metadata():
    md = metadata.metadata(DIST)
    # PEP 639 (Metadata 2.4) writes License-Expression; an older backend, License.
    named = md.get("License-Expression") or md.get("License")
    assert named == "BSD-3-Clause", dict(md.items())


def test_licence_text_ships_with_the_package():
    files = [f for f in (metadata.files(DIST) or []) if f.name == "LICENSE"]
    assert files, f"no LICENSE among the installed files of {DIST}"
    (licence,) = files
    assert licence.read_text(encoding="utf-8") == (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
