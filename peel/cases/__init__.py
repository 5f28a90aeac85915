"""Case files. The core holds the record and its sharing; investigation features build on it."""
