"""The Slack surface: the guard in front of Bolt, the Bolt app factory, listeners, claims, the answer pool,
delivery with retries, and the HTTP and Socket Mode entry points."""
