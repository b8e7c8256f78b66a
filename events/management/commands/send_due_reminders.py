from django.core.management.base import BaseCommand

from consortium.core.outbox import outbox_sweep
from events.services import certificates_sweep, reminders_sweep


class Command(BaseCommand):
    help = "Une tournée des rappels et attestations dus (pour une installation sans beat)."

    def handle(self, *args, **options):
        reminders = reminders_sweep()
        certificates = certificates_sweep()
        sent = outbox_sweep()
        self.stdout.write(
            f"{reminders} rappel(s) et {certificates} attestation(s) mis en file ; "
            f"{sent} e-mail(s) envoyé(s) par la file d'envoi."
        )
