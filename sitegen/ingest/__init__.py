"""Ingest: read listing files into typed entries, then merge them into unique papers."""
