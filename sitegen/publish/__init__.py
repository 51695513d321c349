"""Publish: hand the generated pages to MkDocs and swap the finished site in."""
