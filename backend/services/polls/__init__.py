"""Satisfaction polls (群众满意度测评): lifecycle, roster, blind-signed credentials, paper codes,
anonymous casting, the hash-chained public board, the tally and its verifier.

Threat model and what each piece does for it: docs/SECURITY.md, section "Polls"."""
