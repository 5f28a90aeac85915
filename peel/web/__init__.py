"""The web shell: app assembly, access dependencies, problem responses, templates and static files."""
