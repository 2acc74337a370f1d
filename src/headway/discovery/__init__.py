"""Customer feedback discovery: customers, feedback, automatic themes, sentiment and demand.

The public Python API works without Django configured::

    from headway.discovery import find_themes
    result = find_themes(texts, seed=0)
    result.assignments  # the theme id of each text
    result.themes       # Theme(id, label, keywords, size, parent)
"""

from headway.discovery.engine import Theme, ThemeResult, find_themes

__all__ = ["Theme", "ThemeResult", "find_themes"]
