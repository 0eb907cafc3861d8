"""Checks on uploaded files: allowed kinds by name and by content, and a size limit.

Files are stored under names the service generates (Django's upload_to with the
original name dropped) and served only through authorised views.
"""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Extension → the bytes a real file of that kind starts with.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def validate_upload(
    upload, *, allowed: tuple[str, ...] = (".pdf", ".docx", ".odt")
) -> None:
    """Refuse a file that is too large, of a kind not allowed, or not what its name says."""
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in allowed:
        kinds = ", ".join(kind.lstrip(".").upper() for kind in allowed)
        raise ValidationError(f"The selected file must be a {kinds}")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The selected file must be smaller than 10MB")
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[suffix]):
        raise ValidationError(
            f"The selected file is not a real {suffix.lstrip('.').upper()} file"
        )


def generated_name(instance, filename: str, folder: str) -> str:
    """A storage path that keeps only the file's kind, never the uploaded name."""
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"
