"""Importer."""
