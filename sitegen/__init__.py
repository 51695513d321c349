"""sitegen: publish an annotated archive of research papers as a static site."""

__version__ = "0.1.0"
