"""Workforce: stations, teams on shift patterns, officers, units and their skills."""
