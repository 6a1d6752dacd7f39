"""The version of the checks the content stage makes of each file, apart from the stage, so
the up-to-date check can key on it without importing the content stage."""

# Part of the cache key of every checked file, and of the up-to-date check's key: bump it when
# the checks change, so that a file checked (and cached) by an older Byline is checked again
# rather than trusted, and a site built by it is not taken as up to date.
CHECKS_VERSION = "47"
