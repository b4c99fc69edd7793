"""Root fields and the argument handling shared by every list."""
