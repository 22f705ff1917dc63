"""The field template (core/forms/field.html) marks a field "(optional)" once: not again
when its label already says so, as some of ours and allauth's do ("Email (optional)")."""

from __future__ import annotations

from django import forms


class Withdrawal(forms.Form):
    reason = forms.CharField(label="Why are you withdrawing? (optional)", required=False)
    employer = forms.CharField(label="Employer", required=False)
    choices = forms.MultipleChoiceField(
        label="Competencies (optional)", required=False, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField(label="Full name")


def test_a_label_that_says_optional_is_not_marked_again():
    page = str(Withdrawal())

    assert page.count("(optional)") == 3
    assert "(optional) <span" not in page and "(optional)</span> <span" not in page
    assert "Why are you withdrawing? (optional)</label>" in page
    assert "Competencies (optional)</legend>" in page


def test_an_optional_field_whose_label_does_not_say_so_is_marked():
    page = str(Withdrawal())

    assert 'Employer <span class="optional">(optional)</span></label>' in page
    assert "Full name</label>" in page
