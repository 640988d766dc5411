from django.urls import reverse


def test_each_role_lands_where_its_work_is(role_clients, world):
    expected = {
        "city_admin": reverse("chains:chain_list"),
        "chain_leader": reverse("chains:chain_list"),
        "task_force": reverse("chains:chain_list"),
        "district_official": reverse("chains:chain_list"),
        "auditor": reverse("chains:chain_list"),
        "finance": reverse("chains:chain_list"),
        "enterprise": reverse("registry:enterprise_detail", args=[world.own.firm.pk]),
    }
    for role, client in role_clients.items():
        response = client.get(reverse("home"))
        if role == "anonymous":
            assert response.status_code == 302
            assert response.url == reverse("accounts:login")
        elif role in expected:
            assert (role, response.status_code, response.url) == (role, 302, expected[role])
        else:  # researcher, reviewer, commissioner: a welcome page, never a 403
            assert (role, response.status_code) == (role, 200)
            assert "badge" in response.content.decode()


def test_log_in_goes_home(client, django_user_model):
    django_user_model.objects.create_user("someone", password="Chainlead-2026!")
    response = client.post(
        reverse("accounts:login"), {"username": "someone", "password": "Chainlead-2026!"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
