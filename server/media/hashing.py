"""The SHA-256 of each upload's bytes, computed while they arrive.

A finished upload's declared hash must be checked. Hashing the body as it is written costs the
same CPU as hashing the file afterwards, but saves reading a whole photo back from disk (and a
hand-off to a worker thread) at the moment the client waits for its answer.

The running state lives in this process's memory only, between the requests of one upload (the
PWA sends a photo in several PATCHes). It is a shortcut, never the truth: an upload whose state
is missing (continued on another server process, after a restart, or evicted) or does not end
exactly where the partial file ends is hashed from its file instead.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _hashlib import HASH

# Uploads in progress whose state is kept; the oldest is dropped beyond this (about 200 bytes
# each). A dropped one only costs a read of its file when it completes.
MAX_KEPT = 4096


class RunningHashes:
    def __init__(self, *, limit: int = MAX_KEPT) -> None:
        self.limit = limit
        self._states: OrderedDict[uuid.UUID, tuple[int, HASH]] = OrderedDict()

    def resume(self, upload_id: uuid.UUID, offset: int) -> HASH | None:
        """The hash of the upload's first `offset` bytes, to be continued, or None if unknown.
        The state is taken out: the caller hands it back with `keep` once its bytes are on disk."""
        state = self._states.pop(upload_id, None)
        if state is not None and state[0] == offset:
            return state[1]
        return hashlib.sha256() if offset == 0 else None

    def keep(self, upload_id: uuid.UUID, offset: int, digest: HASH) -> None:
        """Remember `digest` as the hash of exactly the upload's first `offset` bytes."""
        self._states[upload_id] = (offset, digest)
        while len(self._states) > self.limit:
            self._states.popitem(last=False)

    def forget(self, upload_id: uuid.UUID) -> None:
        self._states.pop(upload_id, None)

    def __len__(self) -> int:
        return len(self._states)
