"""A real OpenID Connect provider (django-oidc-provider) for the sign-in tests, served in its own process."""
