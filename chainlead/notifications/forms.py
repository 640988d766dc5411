from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Language of e-mails"),
        choices=[("", _("the platform's default")), *settings.LANGUAGES],
        required=False,
    )
