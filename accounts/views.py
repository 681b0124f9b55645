"""Sign-in pages: the sign-in page (with the government sign-in when configured), and
the second factor's enrolment, verification and step-up pages."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View

from .lockout import lockout_response
from .oidc import oidc_enabled
from .second_factor import (
    enrolment_confirm,
    enrolment_device,
    next_url,
    second_factor_device,
    second_factor_locked,
    second_factor_sign_out,
    second_factor_verify,
    session_mark_verified,
)


class PortalLoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        return context


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


WRONG_CODE = _("The code is wrong, already used or expired. Wait for the next code and try again.")


def _with_next(name: str, request: HttpRequest) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url(request)})


class SecondFactorView(View):
    """Give a code: after signing in (`sign_in`), or again before an approval (`step_up`)."""

    purpose = "sign_in"
    template = "accounts/second_factor_verify.html"

    def _page(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        return render(
            request, self.template, {"form": form, "purpose": self.purpose, "next": next_url(request)}, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if second_factor_device(request.user) is None:
            return HttpResponseRedirect(_with_next("second-factor-enrol", request))
        return self._page(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if second_factor_device(user) is None:
            return HttpResponseRedirect(_with_next("second-factor-enrol", request))
        if second_factor_locked(request, user):
            second_factor_sign_out(request)
            return lockout_response(request)
        form = CodeForm(request.POST)
        if form.is_valid() and second_factor_verify(
            request=request, user=user, code=form.cleaned_data["code"], purpose=self.purpose
        ):
            session_mark_verified(request)
            if self.purpose == "step_up":
                messages.success(request, _("Code accepted. You can now complete the step."))
            return HttpResponseRedirect(next_url(request))
        if form.is_valid():
            if second_factor_locked(request, user):
                second_factor_sign_out(request)
                return lockout_response(request)
            form.add_error("code", WRONG_CODE)
        return self._page(request, form, status=400)


class StepUpView(SecondFactorView):
    purpose = "step_up"


class EnrolView(View):
    """Set up the authenticator app: a QR code (drawn here, as SVG) and the secret as text."""

    template = "accounts/second_factor_enrol.html"

    def _page(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        device = enrolment_device(request.user)
        secret = b32encode(device.bin_key).decode()
        qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=4)
        return render(
            request,
            self.template,
            {
                "form": form,
                "qr_svg": qr,
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "next": next_url(request),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if second_factor_device(request.user) is not None:
            # A second device is not added here: a stolen password must not bring its own.
            return HttpResponseRedirect(_with_next("second-factor-verify", request))
        return self._page(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if second_factor_device(request.user) is not None:
            return HttpResponseRedirect(_with_next("second-factor-verify", request))
        if second_factor_locked(request, request.user):
            second_factor_sign_out(request)
            return lockout_response(request)
        form = CodeForm(request.POST)
        if form.is_valid() and enrolment_confirm(request=request, code=form.cleaned_data["code"]):
            messages.success(request, _("Your authenticator app is set up."))
            return HttpResponseRedirect(next_url(request))
        if form.is_valid():
            if second_factor_locked(request, request.user):
                second_factor_sign_out(request)
                return lockout_response(request)
            form.add_error("code", WRONG_CODE)
        return self._page(request, form, status=400)
