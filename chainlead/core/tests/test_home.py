from django.urls import reverse

from chainlead.core.testing import ANONYMOUS, ROLES

# Where each role lands after log-in (the apps' `home_pages`, lowest priority first): officials
# on the city overview, a firm's users on their firm, the organs' roles where their work is.
LANDING = {
    "city_admin": ("overview:city", False),
    "chain_leader": ("overview:city", False),
    "task_force": ("overview:city", False),
    "district_official": ("overview:city", False),
    "finance": ("overview:city", False),
    "auditor": ("overview:city", False),
    "enterprise": ("registry:enterprise_detail", True),
    "commissioner": ("commissioners:assignment_list", False),  # their stations
    "researcher": ("poc:project_list", False),  # the projects they lead
    "reviewer": ("poc:review_list", False),  # the reviews assigned to them
}


def test_every_role_has_a_landing_page():
    assert set(LANDING) == set(ROLES) - {ANONYMOUS}


def test_each_role_lands_where_its_work_is(role_clients, world):
    for role, client in role_clients.items():
        response = client.get(reverse("home"))
        if role == ANONYMOUS:
            assert (response.status_code, response.url) == (302, reverse("accounts:login"))
            continue
        url_name, of_own_firm = LANDING[role]
        expected = reverse(url_name, args=[world.own.firm.pk] if of_own_firm else [])
        assert (role, response.status_code, response.url) == (role, 302, expected)
        # The page it lands on opens for that role: never a 403 after log-in.
        assert (role, client.get(expected).status_code) == (role, 200)


def test_log_in_goes_home(client, django_user_model):
    django_user_model.objects.create_user("someone", password="Chainlead-2026!")
    response = client.post(
        reverse("accounts:login"), {"username": "someone", "password": "Chainlead-2026!"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    # A user without a role is welcomed (and told to ask for one), not sent to a 403.
    welcome = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert welcome.status_code == 200
    assert "ask a city admin to grant you a role" in welcome.content.decode()
