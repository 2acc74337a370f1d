"""The pure text engine of customer-feedback discovery: embeddings (with a light fallback), themes found
with no number given, labels and keywords, parent themes, incremental assignment, sentiment, near-duplicates
and search. No Django, no other Headway app: plain data in, typed results out."""

from headway.discovery.engine.duplicates import Duplicate, near_duplicates
from headway.discovery.engine.embeddings import Embedding, embedder_for, model_available
from headway.discovery.engine.search import Hit, KeywordIndex, keyword_search, semantic_search
from headway.discovery.engine.sentiment import Sentiment, mean_sentiment, sentiment, sentiments
from headway.discovery.engine.themes import Assignment, Theme, ThemeModel, ThemeResult, find_themes

__all__ = [
    "Assignment",
    "Duplicate",
    "Embedding",
    "Hit",
    "KeywordIndex",
    "Sentiment",
    "Theme",
    "ThemeModel",
    "ThemeResult",
    "embedder_for",
    "find_themes",
    "keyword_search",
    "mean_sentiment",
    "model_available",
    "near_duplicates",
    "semantic_search",
    "sentiment",
    "sentiments",
]
