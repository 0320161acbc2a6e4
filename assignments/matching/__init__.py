"""Matching core: scores members against role requests and proposes staffing, on arrays only."""
