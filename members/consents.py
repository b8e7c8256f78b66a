"""The consents the portal asks for: the one place their wording and its version live.

Each form that asks for a consent takes its label (and help text) from here, and each
ConsentRecord stores the version and the French text of that version (the English page
shows its translation). A new wording needs a new version: `sha256` is the digest of the
French text of `version`, and tests/test_consents.py keeps every published version's
digest, so that a text edited under a version already published fails there.

Not consents, and so not recorded here: the coordination's mailings (public interest; a
person who leaves them is recorded in coordination.MailingOptOut, with date and origin)
and the sign-up, which asks for no consent (the privacy page is linked from it).
"""

import hashlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .enums import ConsentPurpose


@dataclass(frozen=True)
class ConsentWording:
    purpose: str
    version: str
    sha256: str  # of `text()` for this version: see the module
    label: str
    help_text: str = ""

    def text(self) -> str:
        """The French text of this version, as stored with each record."""
        with translation.override("fr"):
            parts = [str(self.label), str(self.help_text)]
        return ". ".join(part for part in parts if part)

    def digest(self) -> str:
        return hashlib.sha256(self.text().encode()).hexdigest()


CONSENTS = {
    ConsentPurpose.DIGEST: ConsentWording(
        ConsentPurpose.DIGEST,
        version="2026-11",
        sha256="90d3aa1ecf66d900cca5c7eb7dc294c1e4c9d4cc4740ab42d6a28561240e874c",
        label=_(
            "J'accepte de recevoir chaque semaine la lettre de veille du consortium "
            "(appels à projets, financements et ressources adaptés à ma structure). "
            "Je peux me désabonner à tout moment."
        ),
    ),
    ConsentPurpose.PUBLIC_LISTING: ConsentWording(
        ConsentPurpose.PUBLIC_LISTING,
        version="2026-11",
        sha256="717b011e513785a748888dd7b775930f422e17c67fac1462f61266dc69b53a28",
        label=_("J'accepte que la structure figure dans l'annuaire public du réseau"),
        help_text=_(
            "L'annuaire public montre le nom, le type, la commune et la présentation de la "
            "structure, sans aucune donnée personnelle. Les membres du réseau voient toujours "
            "sa fiche complète. Vous pourrez changer d'avis à tout moment."
        ),
    ),
}
