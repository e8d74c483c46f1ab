"""Renderers: pure functions from the Site model to output files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputFile:
    """One file of the output: its path inside the output directory and its bytes."""

    path: str
    data: bytes
