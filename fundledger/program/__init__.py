"""The Inter-American Program: objectives, activities, implementers and their cross-reference."""
