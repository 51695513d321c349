"""The search data as JavaScript files, which load with a `<script>` element from http and from file:// alike."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import lunr

from sitegen.errors import BuildError

SCRIPT_FORMAT = 3
"""Changes whenever the data files' form changes, so that cached indexes are rebuilt."""
CALLBACK = "sitegenSearchData"
"""The function search.js defines; every data file calls it with its name and value."""
LUNR_JS = ("mkdocs", "contrib/search/templates/search/lunr.js")
"""lunr.js 2.3.9 as the installed MkDocs ships it."""

# Inside a script these could end it (`</script>`), open a comment (`<!--`) or end a line (U+2028/9 in
# older engines); lone surrogates cannot be written as UTF-8. All become JSON \u escapes.
_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def data_script(name: str, value: Any) -> str:
    """Return a JS file handing value to the search page; the JSON is deterministic and cannot leave the script."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = _UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    # Browsers parse a JSON string several times faster than the same data written as a JavaScript literal.
    quoted = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"{CALLBACK}({json.dumps(name)},JSON.parse('{quoted}'));\n"


def lunr_js() -> str:
    """Return lunr.js from the installed MkDocs, checked to be the version lunr.py's index targets."""
    package, path = LUNR_JS
    try:
        source = (resources.files(package) / path).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise BuildError(f"lunr.js not found in the installed {package} package ({exc})",
                         path=f"{package}/{path}", hint="reinstall sitegen's dependencies: pip install -e .") from None
    found = re.search(r"lunr - http://lunrjs\.com .*? - (\d+\.\d+\.\d+)", source[:500])
    target = lunr.__TARGET_JS_VERSION__
    if not found or found[1] != target:
        raise BuildError(f"lunr.js is version {found[1] if found else 'unknown'}, but lunr.py writes indexes "
                         f"for lunr.js {target}", path=f"{package}/{path}",
                         hint="install versions of mkdocs and lunr that agree (see pyproject.toml)")
    return source
