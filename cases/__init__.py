"""The domain core: case record, procedure engine, working-day deadlines, audit trail.

Knows nothing of Flask, LibreOffice or PDF signatures.
"""
