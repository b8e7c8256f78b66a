"""Forms of the coordination area of events: events, sessions, registrations, émargement."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consortium.core.forms import PlainTextMixin
from consortium.core.french import french_order
from consortium.core.validators import reject_html
from consortium.core.widgets import FilterableCheckboxes
from members.forms.fields import CommuneChoiceField
from members.models import Need, Person, WorkingGroup

from ..enums import EventKind, EventStatus
from ..models import Event, ReminderPolicy, Session

MAX_REMINDERS = 4
MAX_REMINDER_DAYS = 60
MAX_CERTIFICATE_DELAY_HOURS = 24 * 14
MAX_SHIFT_WEEKS = 104


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date and time picker; values are read in Paris time (TIME_ZONE)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


# --- The list of events ----------------------------------------------------------------


class EventFilter(django_filters.FilterSet):
    """Filters of the coordination's list of events: drafts and cancelled ones included."""

    PERIOD_CHOICES = [("a-venir", _("À venir")), ("passees", _("Passées"))]

    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_text")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=EventKind.choices, empty_label=_("Tous les types")
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=EventStatus.choices, empty_label=_("Tous les états")
    )
    period = django_filters.ChoiceFilter(
        label=_("Période"),
        choices=PERIOD_CHOICES,
        empty_label=_("Toutes les dates"),
        method="filter_period",
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "status", "period"]

    def filter_text(self, queryset, name, value):
        for term in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__folded_contains=term)
                | Q(venue__folded_contains=term)
                | Q(commune__name__folded_contains=term)
            )
        return queryset

    def filter_period(self, queryset, name, value):
        return queryset.upcoming() if value == "a-venir" else queryset.past()


# --- An event --------------------------------------------------------------------------


class EventForm(PlainTextMixin, forms.ModelForm):
    """What the coordinator says about an event; the model's constraints as French errors."""

    commune = CommuneChoiceField(
        label=_("Commune"),
        required=False,
        empty_label=_("Choisissez une commune"),
        help_text=_("Obligatoire pour une rencontre sur place."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "audience",
            "visibility",
            "is_online",
            "online_url",
            "venue",
            "address",
            "commune",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "group",
            "needs",
        ]
        labels = {
            "kind": _("Type de rencontre"),
            "title": _("Titre"),
            "description": _("Présentation"),
            "audience": _("Public visé"),
            "visibility": _("Visibilité"),
            "is_online": _("La rencontre a lieu en ligne"),
            "online_url": _("Lien de connexion"),
            "venue": _("Lieu"),
            "address": _("Adresse"),
            "capacity": _("Nombre de places"),
            "registration_opens_at": _("Ouverture des inscriptions"),
            "registration_closes_at": _("Clôture des inscriptions"),
            "group": _("Groupe de travail"),
            "needs": _("Besoins du réseau auxquels la formation répond"),
        }
        help_texts = {
            "description": _("Le programme, les intervenant·es, ce qu'il faut apporter."),
            "visibility": _(
                "Publique : dans l'agenda ouvert à tous. Réservée : visible des seuls membres."
            ),
            "online_url": _(
                "Obligatoire pour une rencontre en ligne ; communiqué aux seules personnes "
                "inscrites."
            ),
            "venue": _("Par exemple : Médiathèque de l'Astrolabe, salle du conseil."),
            "capacity": _("Au-delà, les personnes sont inscrites en liste d'attente."),
            "registration_opens_at": _("Date et heure de Paris."),
            "registration_closes_at": _(
                "Sans date, les inscriptions ferment au début de la rencontre."
            ),
            "group": _("Pour un temps de travail d'un groupe."),
            "needs": _(
                "Pour une formation : cochez les besoins ouverts qu'elle vient combler. "
                "Chacun dit sa commune et combien de personnes le partagent ; leurs "
                "soutiens seront prévenus quand la formation sera publiée."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "registration_opens_at": DateTimeLocalInput(),
            "registration_closes_at": DateTimeLocalInput(),
            "kind": forms.RadioSelect,
            "audience": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "needs": FilterableCheckboxes(
                filter_label=_("Filtrer les besoins (quelques lettres du titre ou de la commune)")
            ),
        }
        error_messages = {
            "capacity": {"min_value": _("Prévoyez au moins une place.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["group"].queryset = WorkingGroup.objects.current().order_by(
            french_order("title")
        )
        self.fields["group"].empty_label = _("Aucun groupe")
        linked = Q(pk__in=self.instance.needs.all()) if self.instance.pk else Q(pk__in=[])
        self.fields["needs"].queryset = (
            Need.objects.filter(Q(pk__in=Need.objects.open()) | linked)
            .select_related("commune")
            .with_counts()
            .order_by(french_order("title"), "-support_count", "pk")
        )
        self.fields["needs"].label_from_instance = need_choice_label
        self.fields["kind"].choices = EventKind.choices  # no blank "---------" radio
        if self.instance.commune_id:
            # The list is keyed by INSEE code, the instance knows its commune by pk.
            self.initial["commune"] = self.instance.commune.insee_code
        if not self.instance.pk:
            self.initial.setdefault("registration_opens_at", timezone.now())

    def clean(self):
        data = super().clean()
        if data.get("is_online") and not data.get("online_url") and "online_url" not in self.errors:
            self.add_error(
                "online_url", _("Indiquez le lien de connexion : la rencontre a lieu en ligne.")
            )
        on_site = "is_online" in data and not data["is_online"]
        if on_site and not data.get("commune") and "commune" not in self.errors:
            self.add_error(
                "commune",
                _("Indiquez la commune du lieu, ou cochez « La rencontre a lieu en ligne »."),
            )
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at",
                _("La clôture des inscriptions doit venir après leur ouverture."),
            )
        return data

    def service_fields(self) -> dict:
        """The cleaned values the services take (`needs` apart: it is a relation)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "needs"}


def need_choice_label(need) -> str:
    """« Former à l'éveil musical — Cergy · 4 soutiens · exprimé le 3 mars 2026 »: needs
    with the same title told apart by where they come from, how shared and how old."""
    supports = ngettext("%(count)s soutien", "%(count)s soutiens", need.support_count) % {
        "count": need.support_count
    }
    expressed = _("exprimé le %(date)s") % {"date": date_format(need.created_at, "j F Y")}
    return f"{need.title} — {need.commune.name} · {supports} · {expressed}"


class PublishForm(forms.Form):
    """Nothing to fill in: publishing is one button."""


class DuplicateForm(forms.Form):
    shift_weeks = forms.IntegerField(
        label=_("Décaler les séances de"),
        required=False,
        min_value=0,
        max_value=MAX_SHIFT_WEEKS,
        help_text=_("En semaines. Laissez vide pour garder les mêmes dates, puis changez-les."),
        error_messages={
            "min_value": _("Indiquez un nombre de semaines positif (ou laissez vide)."),
            "max_value": _("Le décalage ne peut pas dépasser %(limit_value)s semaines."),
            "invalid": _("Indiquez un nombre entier de semaines."),
        },
    )

    def shift(self) -> timedelta:
        return timedelta(weeks=self.cleaned_data.get("shift_weeks") or 0)


class CancelForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux personnes inscrites"),
        max_length=2000,
        validators=[reject_html],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Envoyé par e-mail, tel quel, à chaque personne inscrite ou en liste d'attente : "
            "dites pourquoi, et s'il y aura une autre date."
        ),
        error_messages={
            "required": _("Écrivez un message : il explique l'annulation aux personnes inscrites.")
        },
    )


# --- Sessions --------------------------------------------------------------------------


class SessionForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "label", "hours"]
        labels = {
            "starts_at": _("Début"),
            "ends_at": _("Fin"),
            "label": _("Intitulé"),
            "hours": _("Heures de formation"),
        }
        help_texts = {
            "starts_at": _("Date et heure de Paris."),
            "ends_at": _("Date et heure de Paris."),
            "label": _("Par exemple : « Journée 1 : découvrir les albums sans texte »."),
            "hours": _(
                "Les heures comptées sur l'attestation de présence. Sans valeur : la durée "
                "de la séance."
            ),
        }
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        if not event.is_training:
            del self.fields["hours"]
        else:
            self.fields["hours"].widget.attrs.update(min=0, step="0.5")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin de la séance doit venir après son début."))
        hours = data.get("hours")
        if hours is not None and hours <= 0:
            self.add_error("hours", _("Indiquez un nombre d'heures positif, ou laissez vide."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


# --- Registrations ---------------------------------------------------------------------


def _person_label(person: Person) -> str:
    return f"{person} ({person.user.email})"


class RegisterSomeoneForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Personne à inscrire"),
        queryset=Person.objects.none(),
        empty_label=_("Choisissez une personne"),
        help_text=_(
            "Membres validés du réseau qui ne sont pas déjà inscrits. Possible même quand "
            "les inscriptions sont fermées ; s'il n'y a plus de place, la personne passe en "
            "liste d'attente."
        ),
        error_messages={
            "required": _("Choisissez la personne à inscrire."),
            "invalid_choice": _(
                "Cette personne ne peut pas être inscrite : elle l'est déjà, ou n'est pas "
                "membre validée du réseau."
            ),
        },
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        registered = event.registrations.active().filter(person__isnull=False)
        self.fields["person"].queryset = (
            Person.objects.active()
            .exclude(pk__in=registered.values("person_id"))
            .select_related("user")
            .order_by(french_order("user__last_name"), french_order("user__first_name"), "pk")
        )
        self.fields["person"].label_from_instance = _person_label


class MoveForm(forms.Form):
    to_event = forms.ModelChoiceField(
        label=_("Vers la rencontre"),
        queryset=Event.objects.none(),
        empty_label=_("Choisissez une date"),
        error_messages={
            "required": _("Choisissez la rencontre vers laquelle déplacer l'inscription."),
            "invalid_choice": _(
                "Cette rencontre ne peut pas accueillir l'inscription : choisissez-en une "
                "autre dans la liste."
            ),
        },
    )

    def __init__(self, *args, event: Event, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_event"].queryset = (
            choices if choices is not None else Event.objects.alternatives_to(event)
        )
        self.fields["to_event"].label_from_instance = _event_label


def _event_label(event: Event) -> str:
    start = timezone.localtime(event.first_start) if event.first_start else None
    return f"{event.title} – {start:%d/%m/%Y}" if start else event.title


# --- Émargement ------------------------------------------------------------------------


PRESENT, ABSENT = "present", "absent"


class AttendanceForm(forms.Form):
    """One present/absent choice per confirmed registrant of a session (blank: not marked)."""

    def __init__(self, *args, registrations, marks: dict[int, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        self.marks = marks
        for registration in registrations:
            self.fields[self.field_name(registration)] = forms.ChoiceField(
                label=str(registration.person or _("Compte supprimé")),
                choices=[(PRESENT, _("Présent·e")), (ABSENT, _("Absent·e"))],
                required=False,
                widget=forms.RadioSelect,
            )
            if registration.pk in marks:
                self.initial[self.field_name(registration)] = (
                    PRESENT if marks[registration.pk] else ABSENT
                )

    @staticmethod
    def field_name(registration) -> str:
        return f"presence-{registration.pk}"

    def rows(self):
        """(registration, bound field) pairs, for the template."""
        return [(r, self[self.field_name(r)]) for r in self.registrations]

    def changed_marks(self) -> dict:
        """The marks chosen in this form that differ from what is saved."""
        changed = {}
        for registration in self.registrations:
            value = self.cleaned_data.get(self.field_name(registration))
            if not value:
                continue
            present = value == PRESENT
            if self.marks.get(registration.pk) != present:
                changed[registration] = present
        return changed


# --- Reminders -------------------------------------------------------------------------


class ReminderPolicyForm(forms.Form):
    offsets = forms.CharField(
        label=_("Rappels, en jours avant la rencontre"),
        max_length=40,
        help_text=_(
            "Des nombres de jours séparés par des virgules, par exemple « 7, 1 » : un rappel "
            "une semaine avant, un autre la veille. Quatre rappels au plus, de 1 à 60 jours."
        ),
        error_messages={"required": _("Indiquez au moins un rappel, par exemple « 7, 1 ».")},
    )
    certificate_delay_hours = forms.IntegerField(
        label=_("Envoi des attestations, en heures après la fin de la formation"),
        min_value=0,
        max_value=MAX_CERTIFICATE_DELAY_HOURS,
        help_text=_("Par exemple 2 : deux heures après la fin de la dernière séance."),
        error_messages={
            "required": _("Indiquez un délai en heures (0 pour un envoi dès la fin)."),
            "invalid": _("Indiquez un nombre entier d'heures."),
            "min_value": _("Le délai ne peut pas être négatif."),
            "max_value": _("Le délai ne peut pas dépasser %(limit_value)s heures (deux semaines)."),
        },
    )

    @classmethod
    def for_policy(cls, policy: ReminderPolicy, data=None):
        initial = {
            "offsets": ", ".join(str(days) for days in policy.offsets_days),
            "certificate_delay_hours": policy.certificate_delay_hours,
        }
        return cls(data, initial=initial)

    def clean_offsets(self) -> list[int]:
        parts = [part.strip() for part in self.cleaned_data["offsets"].replace(";", ",").split(",")]
        parts = [part for part in parts if part]
        if not parts:
            raise forms.ValidationError(_("Indiquez au moins un rappel, par exemple « 7, 1 »."))
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Écrivez des nombres entiers de jours séparés par des virgules, comme « 7, 1 ».")
            )
        days = [int(part) for part in parts]
        if any(not 1 <= day <= MAX_REMINDER_DAYS for day in days):
            raise forms.ValidationError(
                _("Chaque rappel est envoyé entre 1 et %(max)s jours avant la rencontre.")
                % {"max": MAX_REMINDER_DAYS}
            )
        if len(set(days)) != len(days):
            raise forms.ValidationError(_("Un même nombre de jours apparaît deux fois."))
        if len(days) > MAX_REMINDERS:
            raise forms.ValidationError(
                _("Quatre rappels au plus : au-delà, les messages lassent plus qu'ils n'aident.")
            )
        return sorted(days, reverse=True)
