"""Fetch: download what the archive does not hold yet from Hugging Face's and arXiv's APIs, as files.

Fetching only ever adds files to the archive, each written atomically and never over an existing one, so an
interrupted or failed run leaves the archive as it was, plus whatever earlier days it completed. The build
never fetches anything.
"""
