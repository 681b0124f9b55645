from .roles import user_roles


def roles(request):
    """Expose the user's roles to templates (for the navigation and the home page)."""
    user = getattr(request, "user", None)
    return {"user_roles": user_roles(user) if user is not None else set()}
