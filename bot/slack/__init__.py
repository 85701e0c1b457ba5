"""The Slack surface: Bolt app factory, listeners, event de-duplication, HTTP and Socket Mode entry points."""
