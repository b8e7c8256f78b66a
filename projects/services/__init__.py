"""Writes of the projects app, one module per area: `<entity>_<verb>(*, ...)`, atomic."""
