"""One search box for the desk's phone call and the technician's scan."""

from __future__ import annotations
