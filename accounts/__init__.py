"""Staff sign-in security: two-factor sign-in, lockout pages, session limits, sign-in records."""
