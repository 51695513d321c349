"""Search: a lunr index built once at build time, a search page, and a search box on every page.

documents.py says what the search sees of each paper; stage.py builds the index files and the page.
"""
