"""Render: Markdown pages for MkDocs from annotated papers; untrusted text always goes through escape."""
