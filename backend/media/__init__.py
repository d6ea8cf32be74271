"""Photos for duty filings: sniffed, re-encoded without metadata, thumbnailed, content-addressed.

`storage` holds bytes (local disk now, an S3-compatible store later), `images` turns an upload
into clean bytes plus the EXIF facts worth keeping, `service` authorises and records, `routes`
speaks HTTP. See docs/MEDIA.md.
"""
