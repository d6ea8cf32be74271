"""统一身份认证: logging in through the province's identity platform with OpenID Connect.

`provider` (discovery, the JWKS cache), `client` (Authlib: the authorization URL with PKCE, the code
exchange, userinfo), `id_token` (joserfc: signature and claims), `flow` (the pending login, the
callback), `binding` (an external identity → an account), `tickets` (the one-time hand-over to the
PWA), `mappings` (the county's list of bindings), `routes` (GET /auth/oidc/start and /callback).
docs/OPERATIONS.md "统一身份认证" tells an operator how to register the app with a platform.
"""
