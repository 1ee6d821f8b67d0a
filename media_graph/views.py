"""The app's variant URLs: check the signature, make the variant once, redirect to it."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect

from media_graph import storage, variants
from media_graph.imaging.ladder import LADDER
from media_graph.storage import url_windows


def variant_redirect(request, photo_id: int, version: int, width: int, ext: str):
    """302 to the stored variant (rendered and stored first, the first time).

    A bad or expired signature is 403 before anything else: no query, no storage call,
    so a stranger cannot make the app render anything. The redirect may be cached
    until the window ends; the stored object it points at stays valid a window longer.
    """
    if not variants.url_is_signed(photo_id, version, width, ext, request.GET):
        return HttpResponse("Bad or expired signature.", status=403, content_type="text/plain")
    fmt = variants.FORMAT_OF_EXTENSION.get(ext)
    if version != variants.VERSION or fmt is None or not 1 <= width <= LADDER[-1]:
        return HttpResponse("No such variant.", status=404, content_type="text/plain")
    name = variants.stored_name(photo_id, width, fmt)
    if name is None:
        try:
            name = variants.variant_make(photo_id=photo_id, width=width, fmt=fmt)
        except ValidationError:  # storage_unavailable
            response = HttpResponse("Storage is not answering.", status=503)
            response["Retry-After"] = "5"
            return response
    if name is None:
        return HttpResponse("No such variant.", status=404, content_type="text/plain")
    response = HttpResponseRedirect(storage.url(name))
    response["Cache-Control"] = f"private, max-age={url_windows.seconds_left_in_window()}"
    return response
