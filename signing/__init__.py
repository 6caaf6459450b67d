"""Seals, co-signatures, frozen versions and verification (PAdES, on pyHanko)."""
