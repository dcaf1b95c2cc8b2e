"""X (Twitter) over OAuth 2 with PKCE: allauth's provider with endpoints read from settings."""
