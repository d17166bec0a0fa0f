"""Test helpers shared by several test folders (builders, local fakes)."""
