"""Printable asset labels: a QR code that opens the app on the asset, with the tag code, the asset's
name and its site in words. PNG and SVG for one label, PDF sheets for printing many at once."""

from __future__ import annotations
