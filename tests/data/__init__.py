"""Music files made by the tests (no hand-edited binaries): see `badfiles`."""
