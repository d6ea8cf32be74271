"""A photo as records show it (filings, problems): its hash and where to fetch it (GET /media)."""

from __future__ import annotations

import strawberry


@strawberry.type
class Photo:
    sha256: str

    @strawberry.field
    def url(self) -> str:
        return f"/media/{self.sha256}"

    @strawberry.field
    def thumb_url(self) -> str:
        return f"/media/{self.sha256}/thumb"
