"""Best practices under /bonnes-pratiques/. The fixed addresses come before <slug>/ and are
reserved slugs (services.practices.PRACTICE_RESERVED_SLUGS)."""

from django.urls import path

from ..views import practices

urlpatterns = [
    path("bonnes-pratiques/", practices.practice_list, name="practices"),
    path("bonnes-pratiques/proposer/", practices.practice_create, name="practice_create"),
    path("bonnes-pratiques/relecture/", practices.practices_review, name="practices_review"),
    path("bonnes-pratiques/mes-propositions/", practices.my_practices, name="my_practices"),
    path("bonnes-pratiques/<slug:slug>.pdf", practices.practice_pdf, name="practice_pdf"),
    path("bonnes-pratiques/<slug:slug>/", practices.practice_detail, name="practice"),
    path("bonnes-pratiques/<slug:slug>/modifier/", practices.practice_edit, name="practice_edit"),
    path(
        "bonnes-pratiques/<slug:slug>/images/<int:pk>/",
        practices.practice_image,
        name="practice_image",
    ),
    path(
        "bonnes-pratiques/<slug:slug>/etape/<str:name>/",
        practices.practice_transition,
        name="practice_transition",
    ),
    path(
        "bonnes-pratiques/<slug:slug>/commentaires/",
        practices.practice_comment,
        name="practice_comment",
    ),
]
