"""Demo accounts of the platform. Each app adds its own `seed.py`, run in app order."""

from allauth.account.models import EmailAddress

from .enums import Role
from .models import User
from .services import role_grant

DEMO_PASSWORD = "demo-consortium-95"  # noqa: S105  (printed for the demo on purpose)

DEMO_ACCOUNTS = [
    # email, first name, last name, role
    ("coordination@demo.consortium95.fr", "Camille", "Martin", Role.COORDINATION),
    ("observation@demo.consortium95.fr", "Dominique", "Bernard", Role.OBSERVATION),
    ("partenaire@demo.consortium95.fr", "Léa", "Petit", None),
]


def demo_user(*, email: str, first_name: str, last_name: str, role: Role | None) -> User:
    """Create or refresh one demo account with a verified address."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if role and not user.groups.filter(name=role.value).exists():
        role_grant(user=user, role=role, actor=None)
    return user


def seed(*, scale: int, log) -> dict:
    """Create the demo accounts (idempotent). `scale` does not change their number."""
    users = {}
    for email, first_name, last_name, role in DEMO_ACCOUNTS:
        users[email] = demo_user(email=email, first_name=first_name, last_name=last_name, role=role)
    log(f"{len(users)} comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    for email, *_names, role in DEMO_ACCOUNTS:
        log(f"  {role.label if role else 'Partenaire'} : {email}")
    return users
