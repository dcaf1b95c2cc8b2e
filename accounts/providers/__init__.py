"""allauth providers written for this site: WordPress.com, and X with configurable endpoints."""
