"""Background work of the members domain (django.tasks): bulk imports run here, off the request."""

from django.tasks import task

from zhijia.core import audit


@task()
def run_member_import(job_id: int, request_id: str = "") -> dict:
    """Run one queued ImportJob; audit entries carry the id of the request that uploaded the file."""
    from .imports import import_run

    previous = audit.current_request_id()  # an immediate backend runs this inside the uploading request
    audit.set_request_id(request_id or f"import-{job_id}")
    try:
        job = import_run(job_id=job_id)
    finally:
        audit.set_request_id(previous or None)
    if job is None:
        return {"job_id": job_id, "skipped": True}
    return {"job_id": job_id, "status": job.status, "created": job.created_count, "error_rows": job.error_count}
