"""Passwords are hashed with Argon2id (OWASP's parameters); an older hash still works and is upgraded at login."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_production_settings_put_argon2id_first():
    from coursesite import settings as production

    assert production.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2idHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS


def test_an_old_pbkdf2_password_still_logs_in_and_is_rehashed_with_argon2id(client, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = UserFactory()
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode("un mot de passe solide", hasher.salt())
    user.save(update_fields=["password"])

    response = client.post("/accounts/login/", {"username": user.username, "password": "un mot de passe solide"})

    assert response.status_code == 302

    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("un mot de passe solide")
