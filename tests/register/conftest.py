import pytest


@pytest.fixture
def draft(users):
    from register.services import version_create_draft

    return version_create_draft(actor=users["register_editor"])


@pytest.fixture
def published(users, draft):
    from register.services import version_transition

    v = version_transition(actor=users["register_editor"], version=draft, action="submit")
    v = version_transition(actor=users["reviewer"], version=v, action="approve")
    return version_transition(actor=users["reviewer"], version=v, action="publish")
