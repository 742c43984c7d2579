"""HTTP Basic and Digest credentials sent up front, for uploads.

urllib's auth handlers answer a 401 by sending the request again, which works for small
requests but not for uploads: a server that challenges (Virtuoso's
``/sparql-graph-crud-auth`` does, with Digest) answers 401 and closes the connection
before reading a large body, and the client sees a broken pipe instead of the
challenge. So the challenge is fetched once with a bodiless ``HEAD`` and every upload
carries its ``Authorization`` header from the start; a stale Digest nonce is refreshed
the same way.

>>> c = Credentials("dba", "dba", "http://127.0.0.1:8890/sparql-graph-crud-auth")
>>> c.learn(['Digest realm="SPARQL", nonce="abc", qop="auth", opaque="x"'])
True
>>> import urllib.request
>>> c.authorization(urllib.request.Request("http://127.0.0.1:8890/sparql-graph-crud-auth?graph=g", method="PUT"))[:40]
'Digest username="dba", realm="SPARQL", n'
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections.abc import Iterable

__all__ = ["Credentials"]


class Credentials:
    def __init__(self, user: str, password: str, url: str) -> None:
        self.user = user
        self.password = password
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password)
        self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
        self._challenge: dict[str, str] | None = None
        self.scheme: str | None = None  # "digest" / "basic" once the server said which; None: not asked yet

    def learn(self, challenges: Iterable[str]) -> bool:
        """Remember the server's ``WWW-Authenticate`` challenge; Digest is preferred."""
        basic = False
        for value in challenges:
            scheme, _, rest = value.strip().partition(" ")
            if scheme.lower() == "digest":
                items = urllib.request.parse_http_list(rest)
                self._challenge = urllib.request.parse_keqv_list(items)
                self.scheme = "digest"
                return True
            basic = basic or scheme.lower() == "basic"
        if basic:
            self.scheme = "basic"
            return True
        return False

    def authorization(self, request: urllib.request.Request) -> str | None:
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        if self.scheme == "digest" and self._challenge is not None:
            value = self._digest.get_authorization(request, self._challenge)
            return f"Digest {value}" if value else None
        return None

    def ask(self, opener: urllib.request.OpenerDirector, url: str, timeout: float) -> None:
        """Fetch the challenge with a ``HEAD`` (no body, changes nothing). A server that
        does not challenge leaves the scheme unset, and requests go without credentials."""
        request = urllib.request.Request(url, method="HEAD")
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                self.learn(exc.headers.get_all("WWW-Authenticate") or [])
        self.scheme = self.scheme or "none"
