"""`sitegen serve`: the site built, served and rebuilt as the archive changes (watch.py, session.py, server.py)."""
