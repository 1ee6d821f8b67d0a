"""Sessions, CSRF, auth and messages for Django's admin (/admin/), and nowhere else.

The API authenticates by the Authorization header alone (schema/core/context.py), which is
what makes its CSRF-exempt endpoint safe: a cookie must never sign anyone in there.
So these middleware are Django's own, made to act on /admin/ only; on every other path
they pass the request through untouched (no session read, no request.user set, no
cookie written). The session and CSRF cookies are also scoped to /admin/ in settings,
so browsers do not even send them elsewhere.
"""

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware


def is_admin_path(request) -> bool:
    return request.path_info.startswith(settings.ADMIN_PATH)


class AdminPathOnly:
    """Mixed into a MiddlewareMixin middleware: it acts on admin paths only."""

    def __call__(self, request):
        if not is_admin_path(request):
            return self.get_response(request)
        return super().__call__(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_admin_path(request) or not hasattr(super(), "process_view"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# Subclasses, so Django's admin checks (admin.E408-E410) recognise them.
class AdminSessionMiddleware(AdminPathOnly, SessionMiddleware):
    pass


class AdminCsrfViewMiddleware(AdminPathOnly, CsrfViewMiddleware):
    pass


class AdminAuthenticationMiddleware(AdminPathOnly, AuthenticationMiddleware):
    pass


class AdminMessageMiddleware(AdminPathOnly, MessageMiddleware):
    pass
