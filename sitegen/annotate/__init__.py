"""Annotate: cleaned text, topic tags, links and arXiv ids for each paper; one small module per annotation.

stage.py runs them all (annotate()); latex, links, taxonomy and related are the annotations.
"""
