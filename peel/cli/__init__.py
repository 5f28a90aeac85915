"""The ``peel`` command line."""
