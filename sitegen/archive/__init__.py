"""The archive: its folder, and the readers of the files that are not listings, below every stage.

    folder.py     Archive: where its parts are, and the one way its files are read
    manifest.py   archive.yml: the archive's own options (listings' capture dates)
    taxonomy.py   taxonomy.yml: topics and their phrases
    notes.py      notes/<slug>.md: curators' notes
    links.py      links.json: what `sitegen check-links` learnt of each link (read by the build, written by it)

Listings and API answers are read by the ingest stage (ingest/), which turns them into papers.
"""

from sitegen.archive.folder import Archive

__all__ = ["Archive"]
