"""The knowledge base (知识库): solved faults written up for reuse, searched offline on the phone."""

from __future__ import annotations
