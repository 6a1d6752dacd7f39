"""The files ``byline init`` copies into a new site (templates filled in by generator.scaffold)."""
