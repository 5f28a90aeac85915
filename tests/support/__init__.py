"""Test support: throwaway PostgreSQL and Redis servers, database templates, login helpers."""
