from django.contrib.auth.middleware import LoginRequiredMiddleware


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Deny by default for pages. The API authenticates by token too, which this
    middleware cannot see, so under /api/ DRF's own deny-by-default applies (401)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class IdleSessionMiddleware:
    """Idle sessions end: a session lives SESSION_COOKIE_AGE (IOB_SESSION_IDLE_MINUTES)
    from its last save, and an active user's session is saved again at most once a
    minute, so only inactivity ends it (without a session write on every request)."""

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        session = getattr(request, "session", None)
        if session is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - int(session.get("_iob_seen", 0)) >= self.TOUCH_EVERY:
                session["_iob_seen"] = now  # modified: saved, and its expiry moved on
        return self.get_response(request)
