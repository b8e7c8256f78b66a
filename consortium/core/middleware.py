from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """French first: the language is the visitor's explicit choice, else French.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    département's portal answers in French unless someone picks English with the
    language switcher (which sets the language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
