"""The default satisfaction survey every training gets (the coordinator may edit it
until the first answer arrives). Written in French, the language of the network's
trainings; the invitation e-mail itself goes out in each person's language."""

from .enums import QuestionKind

SATISFACTION_TITLE = "Votre avis sur la formation « {title} »"
SATISFACTION_INTRODUCTION = (
    "Merci d'avoir participé à cette formation. Vos réponses sont anonymes : elles aident "
    "la coordination du réseau à améliorer les prochaines formations. Comptez 3 minutes. "
    "Vous pouvez enregistrer vos réponses et revenir plus tard, jusqu'à l'envoi."
)

SATISFACTION_QUESTIONS = [
    {
        "kind": QuestionKind.SCALE,
        "label": "Dans l'ensemble, êtes-vous satisfait·e de cette formation ?",
        "help_text": "1 : pas du tout satisfait·e, 5 : tout à fait satisfait·e.",
        "required": True,
    },
    {
        "kind": QuestionKind.SCALE,
        "label": "Les contenus répondaient-ils à vos attentes professionnelles ?",
        "help_text": "1 : pas du tout, 5 : tout à fait.",
        "required": True,
    },
    {
        "kind": QuestionKind.SCALE,
        "label": (
            "Pourrez-vous mettre en pratique ces apports auprès des tout-petits et de leurs "
            "familles ?"
        ),
        "help_text": "1 : pas du tout, 5 : tout à fait.",
        "required": True,
    },
    {
        "kind": QuestionKind.SCALE,
        "label": "Comment jugez-vous l'animation et les échanges entre participant·es ?",
        "help_text": "1 : très insuffisants, 5 : excellents.",
        "required": True,
    },
    {
        "kind": QuestionKind.SINGLE,
        "label": "La durée de la formation était :",
        "choices": ["Trop courte", "Adaptée", "Trop longue"],
        "required": True,
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "label": "Qu'envisagez-vous de mettre en place après cette formation ?",
        "help_text": "Plusieurs réponses possibles.",
        "choices": [
            "Des temps d'éveil artistique avec les tout-petits",
            "L'accueil d'un·e artiste dans ma structure",
            "Des actions associant les parents",
            "Un partenariat entre structure culturelle et structure petite enfance",
            "Un temps de partage avec mon équipe",
        ],
        "required": False,
    },
    {
        "kind": QuestionKind.LONG_TEXT,
        "label": "Qu'avez-vous le plus apprécié ?",
        "required": False,
    },
    {
        "kind": QuestionKind.LONG_TEXT,
        "label": (
            "Que faudrait-il améliorer, et quels thèmes aimeriez-vous aborder lors d'une "
            "prochaine formation ?"
        ),
        "required": False,
    },
]
