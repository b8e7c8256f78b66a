"""factory_boy factories for the accounts every test needs."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from consortium.core.enums import Role
from consortium.core.models import User

PASSWORD = "motdepasse-solide-2026"


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


class CoordinatorFactory(UserFactory):
    """The coordinator: staff (she works in /admin/) and in the Coordination group."""

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
