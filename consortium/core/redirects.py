"""Back to the page a form was posted from, when it says so (`next`), safely."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request, fallback, *, fragment: str = "") -> HttpResponseRedirect:
    """Redirect to the form's `next`, a path of this site, or else to `fallback` (a URL or
    an object with get_absolute_url).

    `next` is never resolved as a view name (redirect() would, and answer 500 to "1"), and
    only a path is taken: no other host, no scheme.
    """
    target = request.POST.get("next", "")
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target + fragment)
    return redirect(fallback)
