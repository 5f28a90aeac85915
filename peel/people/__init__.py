"""People, places and vehicles: one record each, shared by every channel and capability."""
