"""Where a redirect may send someone: a path on this site, never another site.

Used by sign-in (``?next=``) and by the language switcher; it lives in the web shell,
not in either, so that neither imports the other's views.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fundledger.inputs import text_problem


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, so ``?next=`` cannot send anyone away (nor,
    with a line break, add a header to the redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if text_problem(target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
