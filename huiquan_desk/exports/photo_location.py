"""A picture's location taken out before it leaves the committee (the inspection pack,
services.inspection_pack): the EXIF GPS block, and an XMP packet that names GPS coordinates.

A JPEG keeps everything else exactly: only its metadata segments are rewritten (the GPS block
removed from the EXIF with Pillow's Exif, which writes IFD0, the Exif and Interop blocks back), the
compressed image data is copied byte for byte, so the picture is not re-encoded and its time
taken, camera and orientation stay. An EXIF block Pillow cannot read is dropped whole: what it
holds cannot be checked. Another format (PNG, WebP …) that carries GPS is saved again in its own
format without its metadata; one without GPS is left as it is.
"""

from __future__ import annotations

import io

GPS_IFD = 0x8825
XMP = b"http://ns.adobe.com/xap/1.0/\x00"
JPEG_SUFFIXES = (".jpg", ".jpeg")


def _exif_without_gps(payload: bytes) -> bytes | None:
    """An APP1 Exif payload without its GPS block; None when it has none. A payload that cannot be
    read is dropped whole (b""): what it holds cannot be checked."""
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(payload)
        if GPS_IFD not in exif:
            return None
        del exif[GPS_IFD]
        data = exif.tobytes()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on odd metadata
        return b""
    return data if len(data) + 2 <= 0xFFFF else b""


def jpeg_without_gps(data: bytes) -> tuple[bytes, bool]:
    """A JPEG file's bytes with the EXIF GPS block (and an XMP packet naming GPS) removed, the
    image data untouched; (bytes, whether anything was removed)."""
    if data[:2] != b"\xff\xd8":
        return data, False
    out, i, changed = [data[:2]], 2, False
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            out.append(data[i:i + 1])
            i += 1
            continue
        if marker == 0xDA or 0xD0 <= marker <= 0xD9 or marker == 0x01:  # image data from here on
            break
        length = int.from_bytes(data[i + 2:i + 4], "big")
        segment = data[i:i + 2 + length]
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            cleaned = _exif_without_gps(payload)
            if cleaned is not None:
                segment = b"\xff\xe1" + (len(cleaned) + 2).to_bytes(2, "big") + cleaned if cleaned else b""
                changed = True
        elif marker == 0xE1 and payload.startswith(XMP) and b"GPS" in payload:
            segment, changed = b"", True
        out.append(segment)
        i += 2 + length
    out.append(data[i:])
    return b"".join(out), changed


def picture_without_gps(data: bytes, suffix: str) -> tuple[bytes, bool]:
    """Any picture's bytes without a GPS location: a JPEG by its metadata only, another format
    that carries GPS saved again in its own format without its metadata."""
    if suffix.lower() in JPEG_SUFFIXES or data[:2] == b"\xff\xd8":
        return jpeg_without_gps(data)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if not image.getexif().get_ifd(GPS_IFD):
                return data, False
            out = io.BytesIO()
            image.save(out, image.format or "PNG")
    except Exception:  # noqa: BLE001 - not a picture Pillow reads: nothing of its metadata is known
        return data, False
    return out.getvalue(), True


