from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

from accounts import sso
from accounts.two_factor import normalise_code


def _gds_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case sensitive.",
        "inactive": "This account has been switched off. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.error_messages["required"] = "Enter your username"
        # AuthenticationForm sets max_length after the field is built, so without this
        # validator a long username reached django-axes' varchar(255) column (a 500).
        username.validators.append(
            MaxLengthValidator(
                username.max_length or 150,
                f"Username must be {username.max_length or 150} characters or fewer",
            )
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.helper = _gds_helper()

    def clean(self):
        # Before the password is checked: with single sign-on on, a password signs in
        # only a break-glass account (accounts.sso, D-SSO5).
        username = self.cleaned_data.get("username")
        if username and not sso.local_sign_in_allowed(username):
            raise forms.ValidationError(
                "Sign in with your council account", code="sso_only"
            )
        return super().clean()


class GovUKPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = (
            "Enter your current password"
        )
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = (
            "Confirm your new password"
        )
        self.helper = _gds_helper()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app.",
        min_length=6,
        max_length=6,
        error_messages={
            "required": "Enter the security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.helper = _gds_helper()

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError(
                "The security code is wrong or has expired. Enter the newest code"
            )
        return token


class SetupCodeForm(forms.Form):
    """The one-time setup code an administrator gave the user (accounts.two_factor)."""

    setup_code = forms.CharField(
        label="Setup code",
        help_text="The 12-character code an administrator gave you, for example "
        "ABCD-EFGH-JKMN.",
        max_length=40,
        error_messages={
            "required": "Enter the setup code",
            "max_length": "Enter the setup code in the form ABCD-EFGH-JKMN",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper()

    def clean_setup_code(self):
        typed = self.cleaned_data["setup_code"]
        if normalise_code(typed) is None:
            raise forms.ValidationError(
                "Enter the setup code in the form ABCD-EFGH-JKMN"
            )
        return typed
