"""Ticket attachments: images and PDF only, recognised by their bytes (a renamed .exe stays refused)."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from zhijia.core.errors import ErrorCode, ValidationFailed

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf"}


@dataclass
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type of an accepted file, from its content; None for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_TYPES.get(kind)


def check_attachments(files: list[UploadedFile], *, field: str = "attachments") -> list[CheckedFile]:
    """Validate every file before anything is written; raises naming the first bad file."""
    limit = settings.TICKET_ATTACHMENT_MAX_BYTES
    if len(files) > settings.TICKET_ATTACHMENT_MAX_FILES:
        raise ValidationFailed(
            ErrorCode.INVALID, f"附件最多{settings.TICKET_ATTACHMENT_MAX_FILES}个", field=field
        )
    checked = []
    for upload in files:
        name = (upload.name or "附件").rsplit("/", 1)[-1][:100]
        if upload.size is not None and upload.size > limit:
            raise ValidationFailed(
                ErrorCode.UPLOAD_TOO_LARGE, f"附件“{name}”超过{limit // (1024 * 1024)}MB", field=field
            )
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ValidationFailed(
                ErrorCode.UPLOAD_TOO_LARGE, f"附件“{name}”超过{limit // (1024 * 1024)}MB", field=field
            )
        content_type = sniff(data)
        if content_type is None:
            raise ValidationFailed(
                ErrorCode.UPLOAD_FORBIDDEN_TYPE, f"附件“{name}”不是图片或PDF文件（仅支持JPG、PNG、GIF、WEBP、PDF）", field=field
            )
        stem = name.rsplit(".", 1)[0] or "附件"
        checked.append(CheckedFile(name=stem + EXTENSIONS[content_type], content_type=content_type, data=data))
    return checked
