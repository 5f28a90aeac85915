"""Incidents: every contact becomes or joins one; graded, assigned, resolved."""
