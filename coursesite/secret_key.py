"""The secret key of a local start (`make run`, DEBUG=1 without SECRET_KEY).

A fixed key in the repository would let anyone forge the site's signed links
(unsubscribe, calendar feed, password reset). A local start instead makes a
random key the first time and keeps it in var/ (git-ignored), so sessions and
links survive a restart. No Django import: settings load this.
"""

import os
import secrets
from pathlib import Path


def local_secret_key(path: Path) -> str:
    """The key kept in `path`, created (owner-readable only) on the first call."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    try:
        # O_EXCL: two processes starting together (runserver's reloader) keep the first key written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip() or key
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
