"""Suite-wide fixtures come from the plugin in tests/fixtures."""

pytest_plugins = ["tests.fixtures.plugin"]
