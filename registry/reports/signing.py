"""Ed25519 signatures over the RFC 8785 (JCS) form of a report's content, and the signing keys.

Keys live as PEM files under the key directory, named by their key id; the file `active` names the
one that signs. Rotation adds a key and moves `active`; retired keys stay to verify old reports.
"""

import base64
import fcntl
import os
import secrets
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
CANONICALIZATION = "RFC 8785 (JCS)"
_ACTIVE = "active"


def canonical(content: dict) -> bytes:
    return rfc8785.dumps(content)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class KeyRing:
    """The signing keys of one key directory; private keys are read once per process."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self._loaded: dict[str, Ed25519PrivateKey] = {}

    def active_key_id(self) -> str:
        """The key that signs now, created on first need."""
        active = self.directory / _ACTIVE
        if active.exists():
            return active.read_text().strip()
        with self._locked():
            return active.read_text().strip() if active.exists() else self._create()

    def rotate(self) -> str:
        """Make a new active key; the previous ones stay for verification."""
        with self._locked():
            return self._create()

    def sign(self, content: dict) -> tuple[str, str]:
        key_id = self.active_key_id()
        return key_id, b64url(self._private(key_id).sign(canonical(content)))

    def verify(self, content: dict, key_id: str, signature: str) -> bool:
        public = self.public_key(key_id)
        if public is None:
            return False
        try:
            public.verify(unb64url(signature), canonical(content))
        except (InvalidSignature, ValueError):
            return False
        return True

    def public_key(self, key_id: str) -> Ed25519PublicKey | None:
        if not (self.directory / f"{key_id}.pem").is_file():
            return None
        return self._private(key_id).public_key()

    def key_ids(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(path.stem for path in self.directory.glob("*.pem"))

    def published(self) -> list[dict]:
        """Every public key as a JWK (OKP, RFC 8037) with its status."""
        active = self.active_key_id()
        keys = []
        for key_id in self.key_ids():
            raw = self._private(key_id).public_key().public_bytes(serialization.Encoding.Raw,
                                                                  serialization.PublicFormat.Raw)
            keys.append({"kid": key_id, "kty": "OKP", "crv": ALGORITHM, "alg": "EdDSA", "use": "sig", "x": b64url(raw),
                         "status": "active" if key_id == active else "retired"})
        return keys

    def _private(self, key_id: str) -> Ed25519PrivateKey:
        if key_id not in self._loaded:
            pem = (self.directory / f"{key_id}.pem").read_bytes()
            self._loaded[key_id] = serialization.load_pem_private_key(pem, password=None)
        return self._loaded[key_id]

    def _create(self) -> str:
        # The date orders the keys; the random part keeps two rotations on one day apart.
        key_id = f"ed25519-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
        pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())
        fd = os.open(self.directory / f"{key_id}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        staged = self.directory / f"{_ACTIVE}.tmp"
        staged.write_text(key_id)
        staged.replace(self.directory / _ACTIVE)  # atomic: readers see the old or the new id, never half
        return key_id

    @contextmanager
    def _locked(self):
        """Serialise key creation between the processes of one server."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
