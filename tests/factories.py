"""factory_boy factories for the accounts every test needs."""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group

from consortium.core.enums import Role
from consortium.core.models import User

PASSWORD = "motdepasse-solide-2026"
# The authenticator app of every staff account the factories create (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app with `secret` shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _role_group(role: Role) -> Group:
    # The data migration core/0002_role_groups creates the groups, but a transactional
    # test (live_server, real worker) flushes every table afterwards and only post_migrate
    # handlers run again: the Observation group would be gone for the next tests.
    group, _ = Group.objects.get_or_create(name=role.value)
    return group


class UserFactory(factory.django.DjangoModelFactory):
    """A partner: an active account whose address allauth considers verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Alex"
    last_name = "Durand"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        # Without a verified EmailAddress, allauth's mandatory verification blocks login.
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        # Staff must have activated an authenticator app (SecondFactorRequiredMiddleware):
        # give them one, so that tests logging them in with force_login reach their pages.
        # second_factor=False makes a staff account that has not done it yet.
        wanted = (self.is_staff or self.is_superuser) if extracted is None else extracted
        if create and wanted:
            TOTP.activate(self, TOTP_SECRET)


class CoordinatorFactory(UserFactory):
    """The coordinator: staff (she works in /admin/), in the Coordination group, with an
    authenticator app (TOTP_SECRET) as every staff account must have."""

    is_staff = True

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(_role_group(Role.COORDINATION))


class ObserverFactory(UserFactory):
    """The Département's management: read-only, in the Observation group, not staff."""

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(_role_group(Role.OBSERVATION))
