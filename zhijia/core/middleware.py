import uuid

from . import audit


class RequestIdMiddleware:
    """Gives each request an id so audit entries written by one user action can be grouped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        audit.set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            audit.set_request_id(None)
        response["X-Request-Id"] = request.request_id
        return response
