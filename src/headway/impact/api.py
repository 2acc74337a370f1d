"""Impact's JSON API under /api/v1/impact/."""
