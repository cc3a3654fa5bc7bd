"""Supporting documents of an application: 录取通知书, 医疗票据, 困难证明 and the like."""

import uuid

from django.db import models

from .campaigns import Application


def document_path(instance, filename):
    # A random folder per upload: the stored name is never guessable from the application number alone.
    return f"aid/{instance.application.number}/{uuid.uuid4().hex[:16]}/{filename}"


class AidDocument(models.Model):
    """An image or PDF attached to an application; its type was checked from its bytes, not its name.
    Only people who may see the application may fetch it (through the aid pages, never a public URL)."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=300)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "帮扶申请材料"
        verbose_name_plural = "帮扶申请材料"
        ordering = ["id"]

    def __str__(self):
        return self.name
