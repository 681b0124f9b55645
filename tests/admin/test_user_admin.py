"""Changing a password in the admin is audited (without the password)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent


@pytest.mark.django_db
def test_a_password_change_in_the_admin_is_audited(client):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")
    target = get_user_model().objects.create_user("clerk", password="old-Password-1")
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    refused = client.post(url, {"password1": "a", "password2": "b"})
    assert refused.status_code == 200  # the form's own error, nothing changed
    assert not AuditEvent.objects.filter(event_type="user.password_changed").exists()
    response = client.post(
        url, {"password1": "N3w-Passw0rd-long", "password2": "N3w-Passw0rd-long", "usable_password": "true"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("N3w-Passw0rd-long")
    event = AuditEvent.objects.get(event_type="user.password_changed")
    assert event.actor == root and event.target_label == "clerk"
    assert "N3w" not in str(event.data)
