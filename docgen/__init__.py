"""Assembles the mechanism's instruments from the case record (DOCX templates, PDF/A)."""
