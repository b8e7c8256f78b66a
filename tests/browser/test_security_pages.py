"""The Content-Security-Policy in real Chromium (no page breaks it), and the second factor
journey of a coordinator: password, confirmation, activation, recovery codes, then a login
that asks for the code; each page checked with axe-core."""

import pytest
from factories import PASSWORD, CoordinatorFactory, UserFactory, totp_code
from test_accessibility import check_page
from transactional import restore_reference_data

pytestmark = pytest.mark.browser

# Public pages, then pages of a signed-in partner and of the coordinator (the admin).
PUBLIC = ["/", "/accounts/login/", "/accounts/signup/", "/agenda/", "/reseau/"]
PARTNER = ["/espace/", "/accounts/2fa/", "/accounts/email/"]
COORDINATOR = ["/admin/", "/admin/core/user/", "/admin/core/user/add/"]


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows)."""
    restore_reference_data()


def watch_csp(page) -> list[str]:
    """Collect what the browser refused because of the policy."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_no_page_breaks_the_content_security_policy(new_page, session_of, network):
    partner, coordinator = UserFactory(), CoordinatorFactory()
    for who, paths in ((None, PUBLIC), (partner, PARTNER), (coordinator, COORDINATOR)):
        page = new_page(1280, session_of(who) if who else None)
        violations = watch_csp(page)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert "'unsafe-inline'" not in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
        assert not violations, violations


def test_a_coordinator_activates_the_second_factor_then_logs_in_with_it(
    new_page, screenshots, network
):
    coordinator = CoordinatorFactory(second_factor=False)
    page = new_page(1280)
    violations = watch_csp(page)
    page.goto("/accounts/login/")
    page.locator("main input[name=login]").fill(coordinator.email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()

    # Forced to the activation, which first asks to confirm the password.
    page.wait_for_url("**/accounts/reauthenticate/**")
    check_page(page, "2fa-confirmer-mot-de-passe", 1280, screenshots)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.locator("main img[src^='data:image/svg+xml']").is_visible()
    check_page(page, "2fa-activer", 1280, screenshots)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("main input[name=code]").fill(totp_code(secret))
    page.locator("main form [type=submit]").click()

    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    check_page(page, "2fa-codes-de-secours", 1280, screenshots)
    page.goto("/accounts/2fa/")
    check_page(page, "2fa-accueil", 1280, screenshots)

    # The next login asks for a code; a recovery code does.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("main input[name=login]").fill(coordinator.email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    check_page(page, "2fa-code-de-connexion", 1280, screenshots)
    page.locator("main input[name=code]").fill(codes[0])
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**/coordination/")  # the coordination lands on its desk
    assert page.goto("/admin/").status == 200
    assert not violations, violations


def test_an_inline_script_without_nonce_is_refused_and_seen(new_page, network):
    # The watch above can fail: a script added without the nonce is blocked and reported.
    page = new_page(1280)
    violations = watch_csp(page)
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'document.body.dataset.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("document.body.dataset.ran") is None
    assert violations
