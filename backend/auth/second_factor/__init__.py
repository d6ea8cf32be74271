"""The second factor of county and township accounts: a TOTP authenticator (RFC 6238 through pyotp)
and one-time recovery codes; the login step between a correct password and a session.

sealing.py keeps the secret at rest, codes.py checks TOTP and recovery codes, challenges.py is the
single-use login step, policy.py says who must enrol, enrolment.py and login.py are the services."""
