"""The characters plain text may not hold, in one place (pure Python, no Django).

Forms (`core.forms`), the API's parameter patterns (`core.api`) and data files a
registrar uploads (`framework.data_file`) all judge text by these two rules.
"""

from __future__ import annotations

import re

CONTROLS = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029"
"""C0, DEL and C1 controls, and the Unicode line and paragraph separators: everything
Python's str.splitlines() breaks a line at, and more (a regex character-class body)."""

ONE_LINE_REFUSED = re.compile(f"[{CONTROLS}]")
"""What a one-line value (a name, an address, a code) may not hold."""

MULTI_LINE_REFUSED = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]")
"""What multi-line text may not hold: the same controls, except tab, line feed and carriage return."""
