"""Best practices (/bonnes-pratiques/): the public catalogue and sheets (page and PDF),
proposals by members, and the coordination's review.

Published sheets are public. A sheet being written or reviewed exists only for its
authors' organisation and the coordination (404 for everyone else): `visible_to`.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consortium.core.downloads import download_name
from consortium.core.exceptions import DomainError
from consortium.core.pagecache import public_page
from consortium.core.pagination import paginate
from consortium.core.pdf import pdf_response, render_pdf
from consortium.core.permissions import (
    coordinator_required,
    get_visible_object_or_404,
    is_coordinator,
)
from consortium.core.workflows import available_transitions
from members.access import member_required, person_of

from ..access import organizations_acted_for, partner_required
from ..enums import PracticeStatus
from ..filters.practices import MyPracticeFilter, PracticeFilter, PracticeReviewFilter
from ..forms.practices import (
    PracticeCommentForm,
    PracticeForm,
    PracticeImageFormSet,
    PracticeStepForm,
    image_rows,
)
from ..models import Practice, Project
from ..rules import acts_in_network, can_edit_practice, practice_authors
from ..services import practices as services
from ..workflows import PRACTICE_TRANSITIONS

CATALOGUE_PER_PAGE = 12


# --- The public catalogue and sheets ------------------------------------------------------


def _to_review_count(user) -> int | None:
    """How many sheets wait for the coordination's review (None: not a reviewer)."""
    if not is_coordinator(user):
        return None
    return Practice.objects.awaiting_review().count()


@login_not_required
@public_page
def practice_list(request):
    """Published sheets, with facets whose options count the sheets they would give."""
    filterset = PracticeFilter(request.GET, queryset=Practice.objects.published())
    facets = filterset.facets_count()
    practices = filterset.qs.for_listing().order_by("-published_at", "title")
    context = {
        "filter": filterset,
        "facets": facets,
        "page_obj": paginate(request, practices, CATALOGUE_PER_PAGE),
        "is_filtered": filterset.is_filtered(),
        "can_propose": acts_in_network(request.user),
        "to_review": _to_review_count(request.user),
    }
    return render(request, "projects/practices/list.html", context)


def _review_context(request, practice: Practice) -> dict:
    """The authors' and the coordination's panel: steps, history, comments."""
    user = request.user
    if not practice_authors(user, practice):
        return {"review": None}
    return {
        "review": {
            "transitions": available_transitions(PRACTICE_TRANSITIONS, practice, user),
            "history": _labelled(practice.transitions.select_related("actor")),
            "comments": practice.comments.select_related("author"),
            "comment_form": PracticeCommentForm(),
            "can_edit": can_edit_practice(user, practice),
        }
    }


def _labelled(steps) -> list:
    """History steps with the labels of their states (the rows store the codes)."""
    labels = dict(PracticeStatus.choices)
    steps = list(steps)
    for step in steps:
        step.from_label = labels.get(step.from_status, step.from_status)
        step.to_label = labels.get(step.to_status, step.to_status)
    return steps


@login_not_required
@public_page
def practice_detail(request, slug):
    practice = get_visible_object_or_404(Practice.objects.for_sheet(), request.user, slug=slug)
    images = list(practice.images.all())
    context = {
        "practice": practice,
        "images": images,
        "is_published": practice.status == PracticeStatus.PUBLISHED,
        "shows_project": practice.project is not None
        and Project.objects.visible_to(request.user).filter(pk=practice.project_id).exists(),
        "absolute_url": request.build_absolute_uri(practice.get_absolute_url()),
        "og_image": request.build_absolute_uri(_image_url(practice, images[0])) if images else "",
        **_review_context(request, practice),
    }
    return render(request, "projects/practices/detail.html", context)


def _image_url(practice: Practice, image) -> str:
    return reverse("projects:practice_image", kwargs={"slug": practice.slug, "pk": image.pk})


@login_not_required
def practice_image(request, slug, pk):
    """One image of a sheet, for those who see the sheet: media files are never served
    from /media/ (dossier documents live there too)."""
    practice = get_visible_object_or_404(Practice.objects.all(), request.user, slug=slug)
    image = get_object_or_404(practice.images.all(), pk=pk)
    return _inline_image(image.image, public=practice.status == PracticeStatus.PUBLISHED)


def _inline_image(file, *, public: bool) -> FileResponse:
    """The image shown in the page, typed by its validated extension; only public sheets'
    images are kept in shared caches."""
    filename, content_type = download_name(file)
    if not content_type.startswith("image/"):
        raise Http404  # not an image that validate_image let through
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=False, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


# French typography: a narrow no-break space before ; ! ? and inside « », a no-break
# space before a colon, so that the punctuation never starts a line of the PDF.
_BEFORE_PUNCTUATION = re.compile(r"[ \u00a0]+([;!?»])")
_BEFORE_COLON = re.compile(r"[ \u202f]+:")
_AFTER_GUILLEMET = re.compile(r"«[ \u00a0]+")
_TEXT_NODE = re.compile(r"(?<=>)[^<]+|^[^<]+")
SHEET_TEXTS = ("title", "summary", "context", "what_was_done", "partners", "replication")
SHEET_TEXTS += ("lessons", "duration", "contact")


def _french_spacing(text: str) -> str:
    text = _BEFORE_PUNCTUATION.sub("\u202f\\1", text)
    text = _BEFORE_COLON.sub("\u00a0:", text)
    return _AFTER_GUILLEMET.sub("«\u202f", text)


def _typeset(value: str) -> str:
    """French spacing in the text of `value`, plain or HTML (tags left as they are)."""
    return _TEXT_NODE.sub(lambda match: _french_spacing(match.group(0)), value)


@login_not_required
@public_page
def practice_pdf(request, slug):
    """The sheet as a PDF to print or forward (WeasyPrint; images embedded)."""
    practice = get_visible_object_or_404(Practice.objects.for_sheet(), request.user, slug=slug)
    context = {
        "practice": practice,
        "sheet": {name: _typeset(getattr(practice, name)) for name in SHEET_TEXTS},
        "images": list(practice.images.all()),
        "sheet_url": request.build_absolute_uri(practice.get_absolute_url()),
    }
    pdf = render_pdf(template_name="projects/practices/pdf.html", context=context)
    response = pdf_response(pdf=pdf, filename=practice.slug)
    if practice.status != PracticeStatus.PUBLISHED:
        patch_cache_control(response, private=True, no_store=True)  # a draft stays private
    return response


# --- Proposing and editing a sheet ----------------------------------------------------------


def _forms(request, practice: Practice):
    user = request.user
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = PracticeForm(
        data,
        instance=practice,
        organizations=organizations_acted_for(user),
        projects=Project.objects.visible_to(user),
        organization_required=not is_coordinator(user),
    )
    images = PracticeImageFormSet(data, files, instance=practice, prefix="images")
    return form, images


def _render_form(request, form, images, practice: Practice | None):
    context = {"form": form, "images": images, "practice": practice}
    return render(request, "projects/practices/form.html", context)


@partner_required
def practice_create(request):
    form, images = _forms(request, Practice())
    if request.method == "POST" and form.is_valid() and images.is_valid():
        practice = services.practice_create(
            actor=request.user,
            person=person_of(request.user),
            images=image_rows(images),
            **form.service_arguments(),
        )
        messages.success(
            request,
            _(
                "Votre fiche est enregistrée en brouillon. Relisez-la, puis proposez-la "
                "à la coordination."
            ),
        )
        return redirect(practice)
    return _render_form(request, form, images, None)


@partner_required
def practice_edit(request, slug):
    practice = get_visible_object_or_404(Practice.objects.all(), request.user, slug=slug)
    if not can_edit_practice(request.user, practice):
        raise Http404
    form, images = _forms(request, practice)
    if request.method == "POST" and form.is_valid() and images.is_valid():
        try:
            services.practice_update(
                practice=practice,
                actor=request.user,
                images=image_rows(images),
                **form.service_arguments(),
            )
        except services.DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("La fiche est enregistrée."))
        return redirect(practice)
    return _render_form(request, form, images, practice)


# --- Review: steps and comments ---------------------------------------------------------------


@member_required
@require_POST
def practice_transition(request, slug, name):
    """One step of the review; a refused step is explained and changes nothing."""
    practice = get_visible_object_or_404(Practice.objects.all(), request.user, slug=slug)
    form = PracticeStepForm(request.POST)
    if not form.is_valid():  # the comment is too long: say so rather than "required"
        messages.error(request, _("Écrivez un commentaire de 2 000 caractères au plus."))
        return redirect(practice)
    comment = form.cleaned_data["comment"]
    try:
        transition = services.practice_transition(
            practice=practice, name=name, actor=request.user, comment=comment
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("C'est fait : la fiche est maintenant « %(status)s ».")
            % {"status": PracticeStatus(transition.target).label},
        )
    return redirect(practice)


@member_required
@require_POST
def practice_comment(request, slug):
    practice = get_visible_object_or_404(Practice.objects.all(), request.user, slug=slug)
    form = PracticeCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Écrivez un commentaire de 4 000 caractères au plus."))
        return redirect(practice)
    try:
        services.practice_comment_add(
            practice=practice, actor=request.user, body=form.cleaned_data["body"]
        )
    except services.DomainError as error:
        raise Http404 from error  # not one of the sheet's authors: nothing to tell
    messages.success(request, _("Votre commentaire est ajouté."))
    return redirect(f"{practice.get_absolute_url()}#commentaires")


# --- Lists of sheets being written or reviewed ---------------------------------------------


@coordinator_required
def practices_review(request):
    """The coordination's queue: proposed sheets, oldest first; any state on demand."""
    practices = Practice.objects.all().select_related("organization", "proposed_by__user")
    filterset = PracticeReviewFilter(request.GET, queryset=practices)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs.order_by("updated_at", "pk")),
        "is_filtered": filterset.is_filtered(),
    }
    return render(request, "projects/practices/review.html", context)


@partner_required
def my_practices(request):
    """The sheets the member (or their organisations) proposed, in every state."""
    practices = Practice.objects.proposed_by_team_of(person_of(request.user)).select_related(
        "organization", "proposed_by__user"
    )
    filterset = MyPracticeFilter(request.GET, queryset=practices)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs.order_by("-updated_at", "pk")),
        "is_filtered": filterset.is_filtered(),
    }
    return render(request, "projects/practices/mine.html", context)
