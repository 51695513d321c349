"""Pure text rules, shared by every stage and importing none: LaTeX residue, page names and merge keys, escaping
for Markdown and HTML, URL rules, arXiv ids, and what a curator's note may contain. A leaf package."""
