"""The search page (/recherche/): one box over practices, resources, opportunities, projects.

Open to everyone: the public finds what is public, members also what is the network's;
`projects.search` scopes every kind with its `visible_to`.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from ..search import MIN_LENGTH, SearchForm, search


@login_not_required
def search_page(request):
    form = SearchForm(request.GET)
    text = form.text()
    groups = search(user=request.user, text=text) if text else []
    context = {
        "form": form,
        "text": text,
        "asked": form.is_valid() and bool(form.cleaned_data["q"]),
        "groups": groups,
        "total": sum(group.total for group in groups),
        "min_length": MIN_LENGTH,
    }
    return render(request, "projects/search/results.html", context)
