"""Log in with WordPress.com (OAuth 2): allauth ships no provider for it."""
