"""Renderers: Answer → text (terminal), JSON (machines), Block Kit (Slack). Pure functions."""
