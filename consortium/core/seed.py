"""Demo accounts of the platform. Each app adds its own `seed.py`, run in app order.

Also the small French helpers every seed uses to put a commune's name in a sentence.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import encrypt

from .enums import Role
from .models import User
from .services import role_grant

DEMO_PASSWORD = "demo-consortium-95"  # noqa: S105  (printed for the demo on purpose)

# Staff must use a second factor: the demo coordinator's authenticator app and recovery
# codes are fixed and public too (README), for the demo only. Add the secret to an
# authenticator app, or type one of the codes (each works once) when the login asks.
DEMO_TOTP_SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"  # noqa: S105
DEMO_RECOVERY_SEED = "consortium-95-demo-recovery-codes"

DEMO_ACCOUNTS = [
    # email, first name, last name, role
    ("coordination@demo.consortium95.fr", "Camille", "Martin", Role.COORDINATION),
    ("observation@demo.consortium95.fr", "Dominique", "Bernard", Role.OBSERVATION),
    ("partenaire@demo.consortium95.fr", "Léa", "Petit", None),
    # Her profile and organisation request, still pending, are made by the members seed.
    ("en-attente@demo.consortium95.fr", "Hugo", "Lefèvre", None),
]
PENDING_PARTNER = "en-attente@demo.consortium95.fr"
ACCOUNT_LABELS = {PENDING_PARTNER: "Partenaire en attente de validation"}

VOWELS = "AEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜŒaeiouyàâäéèêëîïôöûüœ"
# Place names whose "h" is aspirated: no elision ("de Haute-Isle").
ASPIRATED_H = ("Haut", "Hou", "Ham", "Hal")


def of_place(name: str) -> str:
    """`name` after "de", as French writes it: « d'Argenteuil », « du Plessis-Bouchard »,
    « des Mureaux », « de La Frette-sur-Seine », « de L'Isle-Adam », « de Haute-Isle »."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if _elides(name):
        return f"d'{name}"
    return f"de {name}"


def at_place(name: str) -> str:
    """`name` after "à": « à Osny », « au Thillay », « aux Mureaux », « à La Roche-Guyon »."""
    if name.startswith("Le "):
        return f"au {name[3:]}"
    if name.startswith("Les "):
        return f"aux {name[4:]}"
    return f"à {name}"


def _elides(word: str) -> bool:
    if not word:
        return False
    if word[0] in "Hh":
        return not word.startswith(ASPIRATED_H) and len(word) > 1 and word[1] in VOWELS
    return word[0] in VOWELS


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


def demo_second_factor(user: User) -> list[str]:
    """Give `user` the demo authenticator app and recovery codes (kept if present);
    return the recovery codes not used yet."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    recovery, _created = Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        defaults={"data": {"seed": encrypt(DEMO_RECOVERY_SEED), "used_mask": 0}},
    )
    return RecoveryCodes(recovery).get_unused_codes()


def seed(*, scale: int, log) -> dict:
    """Create the demo accounts (idempotent). `scale` does not change their number."""
    users = {}
    for email, first_name, last_name, role in DEMO_ACCOUNTS:
        users[email] = demo_user(email=email, first_name=first_name, last_name=last_name, role=role)
    log(f"{len(users)} comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    for email, *_names, role in DEMO_ACCOUNTS:
        label = role.label if role else ACCOUNT_LABELS.get(email, "Partenaire")
        log(f"  {label} : {email}")
        if role == Role.COORDINATION:
            codes = demo_second_factor(users[email])
            log(f"    double authentification : clé TOTP {DEMO_TOTP_SECRET}")
            log(f"    codes de secours (un usage chacun) : {' '.join(codes)}")
    return users
