"""Tests that span the whole project rather than one app."""
